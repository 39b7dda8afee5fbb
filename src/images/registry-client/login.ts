// `docker login` (POST /auth): checks the credentials against the registry's own auth flow.
import { loginDomain } from "../../oci/reference.js";
import type { RegistryCredentials } from "./auth.js";
import { RegistryClient } from "./client.js";

export async function login(
  serverAddress: string,
  c: RegistryCredentials,
  o: { plainHttp?: boolean } = {},
): Promise<{ identityToken?: string }> {
  const client = new RegistryClient(loginDomain(serverAddress), { credentials: c, ...o });
  const { refreshToken } = await client.login();
  return refreshToken === undefined ? {} : { identityToken: refreshToken };
}
