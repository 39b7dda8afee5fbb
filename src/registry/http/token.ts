// The token endpoint of Docker's registry auth flow. A client that got a 401 with
// `WWW-Authenticate: Bearer realm=…,service=…,scope=…` asks here (GET with optional Basic
// credentials, or the OAuth2 POST form) and receives a short-lived token granting the part
// of the requested scope that the repository policies allow.
import type { Principal } from "../../auth/authenticator.js";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  formatScope,
  parseScope,
  type ResourceAccess,
  type TokenService,
} from "../../auth/tokens.js";
import { isValidRepositoryName } from "../../oci/names.js";
import { ALL_ACTIONS, REGISTRY_SERVICE, type RegistryAccess, type RegistryAction } from "../access.js";
import { RegistryError } from "../errors.js";
import type { Exchange } from "./app.js";
import { readBoundedBody } from "./body.js";
import type { Reply } from "./reply.js";

export interface TokenEndpointOptions {
  access: RegistryAccess;
  tokens: TokenService;
}

function grant(
  access: RegistryAccess,
  principal: Principal | null,
  requested: ResourceAccess,
): ResourceAccess | undefined {
  if (requested.type === "registry" && requested.name === "catalog") {
    return principal ? { type: "registry", name: "catalog", actions: ["*"] } : undefined;
  }
  if (requested.type !== "repository" || !isValidRepositoryName(requested.name)) return undefined;
  const wanted = requested.actions.includes("*")
    ? [...ALL_ACTIONS]
    : ALL_ACTIONS.filter((a) => requested.actions.includes(a));
  const caller = principal ? ({ kind: "user", principal } as const) : ({ kind: "anonymous" } as const);
  const actions: RegistryAction[] = access.granted(caller, requested.name, wanted);
  return { type: "repository", name: requested.name, actions };
}

async function issue(
  options: TokenEndpointOptions,
  reply: Reply,
  principal: Principal | null,
  scopes: string[],
  extra: Record<string, unknown> = {},
) {
  const access = scopes
    .map((s) => parseScope(s))
    .filter((s): s is ResourceAccess => s !== undefined)
    .map((s) => grant(options.access, principal, s))
    .filter((s): s is ResourceAccess => s !== undefined);
  const token = await options.tokens.issueAccessToken({
    subject: principal?.name ?? null,
    audience: REGISTRY_SERVICE,
    access,
    ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
  });
  return reply.code(200).send({
    token,
    access_token: token,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    issued_at: new Date().toISOString(),
    ...(access.length > 0 && { scope: access.map(formatScope).join(" ") }),
    ...extra,
  });
}

/** Serves GET and POST /token. */
export async function handleToken(exchange: Exchange, options: TokenEndpointOptions): Promise<unknown> {
  const { request, reply, query } = exchange;
  if (request.method === "GET") {
    const authorization = request.headers.authorization;
    let principal: Principal | null = null;
    if (authorization !== undefined) {
      principal = (await options.access.authenticateBasic(authorization)) ?? null;
      if (!principal) throw new RegistryError("UNAUTHORIZED", "invalid username or password");
      exchange.user = principal.name;
    }
    return issue(options, reply, principal, query.getAll("scope"));
  }
  if (request.method !== "POST")
    throw new RegistryError("UNSUPPORTED", "the token endpoint takes GET or POST");
  const form = new URLSearchParams((await readBoundedBody(request, 64 * 1024)).toString("utf8"));
  const scopes = (form.get("scope") ?? "").split(" ").filter((s) => s !== "");
  const grantType = form.get("grant_type");
  if (grantType === "password") {
    const username = form.get("username") ?? "";
    const basic = `Basic ${Buffer.from(`${username}:${form.get("password") ?? ""}`).toString("base64")}`;
    const principal = await options.access.authenticateBasic(basic);
    if (!principal) throw new RegistryError("UNAUTHORIZED", "invalid username or password");
    exchange.user = principal.name;
    // The refresh token is a login token, usable again here until it expires.
    const refresh =
      form.get("access_type") === "offline"
        ? await options.tokens.issueLoginToken(principal.name)
        : undefined;
    return issue(options, reply, principal, scopes, refresh ? { refresh_token: refresh } : {});
  }
  if (grantType === "refresh_token") {
    const login = await options.tokens.verifyLoginToken(form.get("refresh_token") ?? "");
    const user = login && options.access.principalOf({ kind: "token", subject: login.user, access: [] });
    if (!user) throw new RegistryError("UNAUTHORIZED", "invalid or expired refresh token");
    exchange.user = user.name;
    return issue(options, reply, user, scopes);
  }
  throw new RegistryError(
    "UNSUPPORTED",
    `unsupported grant_type ${JSON.stringify(grantType)}`,
    undefined,
    400,
  );
}
