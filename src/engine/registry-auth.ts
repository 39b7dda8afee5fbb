// The `X-Registry-Auth` header of pull and push: base64url (Go's URLEncoding; some clients
// send standard base64, with or without padding) of Docker's AuthConfig JSON.
import { badParameter } from "./errors.js";
import type { RegistryCredentials } from "./ports.js";

interface AuthConfigJson {
  username?: unknown;
  password?: unknown;
  auth?: unknown;
  identitytoken?: unknown;
  serveraddress?: unknown;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Credentials from an AuthConfig object (the header's JSON, or the body of POST /auth).
 * `auth` is base64 of `user:password`, used when username and password are absent.
 */
export function credentialsFromAuthConfig(config: AuthConfigJson): RegistryCredentials | undefined {
  let username = str(config.username);
  let password = str(config.password);
  const auth = str(config.auth);
  if (username === undefined && password === undefined && auth !== undefined) {
    const decoded = Buffer.from(auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const identityToken = str(config.identitytoken);
  if (username === undefined && password === undefined && identityToken === undefined) return undefined;
  return {
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(identityToken !== undefined && { identityToken }),
  };
}

/** Decodes the header; absent, empty or `{}` means anonymous. Malformed is a 400, as moby. */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryCredentials | undefined {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (raw === undefined || raw === "") return undefined;
  const base64 = raw.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64))
    throw badParameter("invalid X-Registry-Auth header: not base64");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
  } catch {
    throw badParameter("invalid X-Registry-Auth header: not a JSON AuthConfig");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw badParameter("invalid X-Registry-Auth header: not a JSON AuthConfig");
  }
  return credentialsFromAuthConfig(parsed as AuthConfigJson);
}
