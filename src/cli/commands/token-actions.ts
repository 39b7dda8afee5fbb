// The work of `skiff token create|list|delete` (see token.ts for the commands): loaded only when
// one of them runs, so that other commands (`skiff registry serve`) do not load the Kubernetes
// API client and its resource catalog.
import { readFile } from "node:fs/promises";
import { caCertHash } from "../../api/auth/cluster-info.js";
import { HttpClusterClient } from "../../api/client/http-client.js";
import { readKubeconfig, type KubeconfigConnection } from "../../api/client/kubeconfig-read.js";
import { CliError } from "../admin-client.js";
import { printJson, printTable } from "../output.js";
import { parseDuration } from "../units.js";
import { readAdminKubeconfig } from "./kubeconfig.js";
import { createJoinToken, deleteJoinToken, listJoinTokens, publishClusterInfo } from "./token-ops.js";

export interface TokenFlags {
  dataDir: string;
  kubeconfig?: string;
  json?: boolean;
}

export interface CreateFlags extends TokenFlags {
  ttl: string;
  description?: string;
  server?: string;
  printJoinCommand?: boolean;
}

async function connection(flags: TokenFlags): Promise<KubeconfigConnection> {
  let text: string;
  if (flags.kubeconfig !== undefined && flags.kubeconfig !== "") {
    try {
      text = await readFile(flags.kubeconfig, "utf8");
    } catch (err) {
      throw new CliError(`cannot read --kubeconfig ${flags.kubeconfig}: ${(err as Error).message}`);
    }
  } else text = await readAdminKubeconfig(flags.dataDir);
  try {
    return readKubeconfig(text);
  } catch (err) {
    throw new CliError(`the kubeconfig is not usable: ${(err as Error).message}`);
  }
}

function client(c: KubeconfigConnection): HttpClusterClient {
  return new HttpClusterClient({ ...c, userAgent: "skiff-token", fieldManager: "skiff-token" });
}

function parseTtl(text: string): number {
  if (text.trim() === "0") return 0;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new CliError(`--ttl: ${(err as Error).message}, or 0 for a token that never expires`);
  }
}

function isLoopback(server: string): boolean {
  const host = new URL(server).hostname;
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}

function remaining(expiration: Date | undefined, now: Date): string {
  if (expiration === undefined) return "<forever>";
  const ms = expiration.getTime() - now.getTime();
  if (ms <= 0) return "<expired>";
  const hours = Math.floor(ms / 3_600_000);
  return hours >= 1 ? `${hours}h` : `${Math.max(1, Math.floor(ms / 60_000))}m`;
}

export async function create(flags: CreateFlags): Promise<void> {
  const ttlMs = parseTtl(flags.ttl);
  const c = await connection(flags);
  if (c.caPem === undefined)
    throw new CliError("the kubeconfig has no certificate-authority-data to publish");
  const server = flags.server ?? c.server;
  const api = client(c);
  try {
    await publishClusterInfo(api, { server, caPem: c.caPem });
    const created = await createJoinToken(api, {
      ttlMs,
      ...(flags.description !== undefined && { description: flags.description }),
    });
    const join = `skiff agent --server ${server} --token ${created.token} --ca-cert-hash ${caCertHash(c.caPem)}`;
    if (flags.printJoinCommand === true) {
      process.stdout.write(`${join}\n`);
      return;
    }
    process.stdout.write(`${created.token}\n`);
    const until = created.expiration ? `valid until ${created.expiration.toISOString()}` : "never expires";
    process.stderr.write(`join a node with this token (${until}):\n  ${join}\n`);
    if (isLoopback(server)) {
      process.stderr.write(
        `note: ${server} is a loopback address; for agents on other machines pass --server with an address they reach\n`,
      );
    }
  } finally {
    api.close();
  }
}

export async function list(flags: TokenFlags): Promise<void> {
  const api = client(await connection(flags));
  try {
    const tokens = await listJoinTokens(api);
    if (flags.json === true) {
      printJson(
        tokens.map((t) => ({
          id: t.id,
          expiration: t.expiration?.toISOString() ?? null,
          description: t.description ?? "",
          authentication: t.authentication,
        })),
      );
      return;
    }
    const now = new Date();
    printTable(
      ["ID", "TTL", "EXPIRES", "DESCRIPTION"],
      tokens.map((t) => [
        t.id,
        remaining(t.expiration, now),
        t.expiration?.toISOString() ?? "<never>",
        t.description ?? "",
      ]),
    );
  } finally {
    api.close();
  }
}

export async function remove(idOrToken: string, flags: TokenFlags): Promise<void> {
  const api = client(await connection(flags));
  try {
    process.stdout.write(`deleted join token ${await deleteJoinToken(api, idOrToken)}\n`);
  } finally {
    api.close();
  }
}
