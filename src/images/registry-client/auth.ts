// Registry authentication as Docker does it: a 401 names a challenge in WWW-Authenticate.
// `Bearer realm,service,scope` → ask the realm for a token (Basic credentials on GET, or an
// identity token as a refresh_token grant on POST); `Basic` → send the credentials each time.
import { send } from "./http.js";

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A refresh token from an earlier login (`docker login` stores it as the identity token). */
  identityToken?: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (several challenges may be joined by commas). */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (header === undefined) return [];
  const out: Challenge[] = [];
  const re = /([A-Za-z]+)\s+((?:[a-zA-Z0-9_-]+=(?:"(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?\s*)*)/g;
  for (const m of header.matchAll(re)) {
    const params: Record<string, string> = {};
    for (const p of m[2]!.matchAll(/([a-zA-Z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
      params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? "").replace(/\\(.)/g, "$1");
    }
    out.push({ scheme: m[1]!.toLowerCase(), params });
  }
  return out;
}

export class TokenRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface TokenResult {
  token: string;
  refreshToken?: string;
}

/** Asks the token server of a Bearer challenge for a token covering `scopes`. */
export async function fetchToken(
  challenge: Challenge,
  scopes: readonly string[],
  creds: RegistryCredentials | undefined,
  o: { offline?: boolean; signal?: AbortSignal } = {},
): Promise<TokenResult> {
  const realm = challenge.params.realm;
  if (realm === undefined) throw new TokenRequestError("the registry's Bearer challenge names no realm", 401);
  const url = new URL(realm);
  const service = challenge.params.service;
  const wantScopes = scopes.length > 0 ? scopes : (challenge.params.scope?.split(" ") ?? []);
  const usePost = creds?.identityToken !== undefined || (o.offline === true && creds?.username !== undefined);
  let res;
  if (usePost) {
    const form = new URLSearchParams({ client_id: "skiff" });
    if (service !== undefined) form.set("service", service);
    if (wantScopes.length > 0) form.set("scope", wantScopes.join(" "));
    if (creds?.identityToken !== undefined) {
      form.set("grant_type", "refresh_token");
      form.set("refresh_token", creds.identityToken);
    } else {
      form.set("grant_type", "password");
      form.set("username", creds!.username!);
      form.set("password", creds!.password ?? "");
      form.set("access_type", "offline");
    }
    res = await send({
      method: "POST",
      url,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from(form.toString()),
      signal: o.signal,
    });
    // Token servers without the OAuth2 POST flow: fall back to GET with Basic.
    if ((res.status === 404 || res.status === 405) && creds?.username !== undefined) {
      await res.drain();
      res = undefined;
    }
  }
  if (res === undefined) {
    if (service !== undefined) url.searchParams.set("service", service);
    for (const s of wantScopes) url.searchParams.append("scope", s);
    if (o.offline) url.searchParams.set("offline_token", "true");
    const headers: Record<string, string> = {};
    if (creds?.username !== undefined) headers.Authorization = basicHeader(creds);
    res = await send({ method: "GET", url, headers, signal: o.signal });
  }
  const body = await res.text(1024 * 1024);
  if (res.status !== 200) throw new TokenRequestError(tokenError(res.status, body), res.status);
  let doc: { token?: unknown; access_token?: unknown; refresh_token?: unknown };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    throw new TokenRequestError("the token server answered with invalid JSON", 502);
  }
  const token =
    typeof doc.token === "string"
      ? doc.token
      : typeof doc.access_token === "string"
        ? doc.access_token
        : undefined;
  if (token === undefined) throw new TokenRequestError("the token server answered without a token", 502);
  return typeof doc.refresh_token === "string" ? { token, refreshToken: doc.refresh_token } : { token };
}

export function basicHeader(creds: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${creds.username ?? ""}:${creds.password ?? ""}`).toString("base64")}`;
}

// Docker shows the registry's own words: `unauthorized: invalid username or password`.
function tokenError(status: number, body: string): string {
  try {
    const doc = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }>; details?: string };
    const e = doc.errors?.[0];
    if (e?.message !== undefined)
      return `${(e.code ?? "unauthorized").toLowerCase().replace(/_/g, " ")}: ${e.message}`;
    if (doc.details !== undefined) return `unauthorized: ${doc.details}`;
  } catch {
    // not JSON
  }
  return status === 401
    ? "unauthorized: authentication required"
    : `token request failed with status ${status}`;
}
