// The CLI's client of the registry admin API. Credentials come from the environment
// (SKIFF_REGISTRY_USER / SKIFF_REGISTRY_PASSWORD) or, on the server's own machine, from
// the data directory: the CLI signs a short login token with the server's key, as
// `k3s token` reads its token from the server's files.
import { access } from "node:fs/promises";
import { signingKeyPath, loadOrCreateSigningKey } from "../auth/signing-key.js";
import { TokenService } from "../auth/tokens.js";

export interface ConnectionOptions {
  registry: string;
  dataDir: string;
  user?: string;
  password?: string;
}

export class CliError extends Error {}

/** A login token for `user`, signed with the key of the server whose data dir this is. */
export async function loginTokenFromDataDir(
  dataDir: string,
  user: string,
  ttlSeconds: number,
): Promise<string> {
  try {
    await access(signingKeyPath(dataDir));
  } catch {
    throw new CliError(
      `no Skiff signing key under ${dataDir}: start the server first (skiff server --data-dir ${dataDir}), ` +
        `pass the right --data-dir, or run as the user that owns it (root)`,
    );
  }
  const tokens = new TokenService({ key: await loadOrCreateSigningKey(dataDir) });
  return tokens.issueLoginToken(user, ttlSeconds);
}

export class AdminClient {
  readonly #base: string;
  readonly #authorization: string;

  private constructor(base: string, authorization: string) {
    this.#base = base.replace(/\/+$/, "");
    this.#authorization = authorization;
  }

  static async connect(options: ConnectionOptions): Promise<AdminClient> {
    const base = /^https?:\/\//.test(options.registry) ? options.registry : `http://${options.registry}`;
    const user = options.user ?? "skiff";
    const password = options.password ?? (await loginTokenFromDataDir(options.dataDir, user, 600));
    return new AdminClient(base, `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}/skiff/v1/${path}`, {
        method,
        headers: {
          authorization: this.#authorization,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliError(
        `cannot reach the registry at ${this.#base} (${cause}); is skiff server running? set --registry`,
      );
    }
    const text = await response.text();
    const parsed: unknown = text === "" ? {} : JSON.parse(text);
    if (!response.ok) {
      const message =
        (parsed as { errors?: { message?: string }[] }).errors?.[0]?.message ?? response.statusText;
      throw new CliError(`${message} (HTTP ${response.status})`);
    }
    return parsed as T;
  }
}
