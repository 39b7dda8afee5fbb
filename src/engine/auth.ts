// POST /auth (`docker login`): the engine checks the credentials against the registry, as
// dockerd does, and hands back an identity token when the registry issues one.
import { readJsonObject } from "./body.js";
import { badParameter } from "./errors.js";
import type { EngineServices } from "./ports.js";
import { credentialsFromAuthConfig } from "./registry-auth.js";
import { sendJson } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

export function authRoutes(services: EngineServices): Route[] {
  const login = async (ex: Exchange) => {
    const body = await readJsonObject(ex.request);
    const address = body.serveraddress;
    if (address !== undefined && typeof address !== "string")
      throw badParameter("invalid JSON: serveraddress must be a string");
    const credentials = credentialsFromAuthConfig(body) ?? {};
    const result = await services.images.login(address || "https://index.docker.io/v1/", credentials);
    sendJson(ex, 200, { Status: "Login Succeeded", IdentityToken: result.identityToken ?? "" });
  };
  return [route("auth", "POST", /^\/auth$/, login)];
}
