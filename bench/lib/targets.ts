// The registries under test, started the same way and seen through one small interface.
import { startDistribution } from "../../test/support/distribution.js";
import { SKIFF_BIN, startSkiffServer } from "../../test/support/skiff-server.js";
import { run } from "../../test/support/tools.js";

export const TARGET_NAMES = ["skiff", "distribution"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface BenchTarget {
  name: TargetName;
  /** http://127.0.0.1:PORT */
  url: string;
  hostPort: string;
  pid: number;
  /** "user:password" when the registry needs auth. */
  creds?: string;
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** Options for node running Skiff (e.g. ["--max-semi-space-size=2"]). */
  skiffNodeArgs?: string[];
  /** Skiff's --log-level; distribution always runs at warn with its access log off. */
  skiffLogLevel?: string;
}

export async function startTarget(name: TargetName, opts: TargetOptions = {}): Promise<BenchTarget> {
  if (name === "distribution") {
    const r = await startDistribution();
    return { name, url: r.url, hostPort: r.hostPort, pid: r.pid, stop: () => r.stop() };
  }
  const s = await startSkiffServer({ nodeArgs: opts.skiffNodeArgs, logLevel: opts.skiffLogLevel });
  return {
    name,
    url: s.url,
    hostPort: s.hostPort,
    pid: s.pid,
    creds: `skiff:${s.password}`,
    stop: () => s.stop(),
  };
}

/** Whether `skiff registry serve` exists in this checkout (built and wired). */
export async function skiffAvailable(): Promise<boolean> {
  const res = await run(process.execPath, [SKIFF_BIN, "registry", "serve", "--help"], { timeoutMs: 30_000 });
  return res.code === 0;
}

/**
 * A Docker-token-auth bearer token for `scope` (e.g. "repository:foo:pull"): reads realm and
 * service from the WWW-Authenticate challenge of an anonymous GET /v2/, then asks the realm
 * with basic auth.
 */
export async function bearerToken(target: BenchTarget, scope: string): Promise<string> {
  const probe = await fetch(`${target.url}/v2/`);
  await probe.arrayBuffer();
  const challenge = probe.headers.get("www-authenticate") ?? "";
  const param = (key: string): string | undefined => new RegExp(`${key}="([^"]*)"`).exec(challenge)?.[1];
  const realm = param("realm");
  if (probe.status !== 401 || !/^Bearer /i.test(challenge) || realm === undefined) {
    throw new Error(`${target.name}: GET /v2/ gave HTTP ${probe.status} with challenge "${challenge}"`);
  }
  const tokenUrl = new URL(realm, target.url);
  const service = param("service");
  if (service !== undefined) tokenUrl.searchParams.set("service", service);
  tokenUrl.searchParams.set("scope", scope);
  const headers: Record<string, string> = {};
  if (target.creds !== undefined)
    headers.Authorization = `Basic ${Buffer.from(target.creds).toString("base64")}`;
  const res = await fetch(tokenUrl, { headers });
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!res.ok || token === undefined) throw new Error(`${target.name}: GET ${tokenUrl}: HTTP ${res.status}`);
  return token;
}
