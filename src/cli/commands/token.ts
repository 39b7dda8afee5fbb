// `skiff token create|list|delete`: join tokens for `skiff agent` (like `kubeadm token`),
// managed through the Kubernetes API with the admin kubeconfig the server wrote.
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { caCertHash } from "../../api/auth/cluster-info.js";
import { HttpClusterClient } from "../../api/client/http-client.js";
import { readKubeconfig, type KubeconfigConnection } from "../../api/client/kubeconfig-read.js";
import { CliError } from "../admin-client.js";
import { printJson, printTable } from "../output.js";
import { parseDuration } from "../units.js";
import { readAdminKubeconfig } from "./kubeconfig.js";
import { DEFAULT_DATA_DIR } from "./server.js";
import { createJoinToken, deleteJoinToken, listJoinTokens, publishClusterInfo } from "./token-ops.js";

interface TokenFlags {
  dataDir: string;
  kubeconfig?: string;
  json?: boolean;
}

interface CreateFlags extends TokenFlags {
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

function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--data-dir <dir>", "the server's data directory (its admin kubeconfig is used)")
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_DATA_DIR),
    )
    .addOption(new Option("--kubeconfig <path>", "use this admin kubeconfig instead of the data dir's"));
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

async function create(flags: CreateFlags): Promise<void> {
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

async function list(flags: TokenFlags): Promise<void> {
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

export function registerTokenCommands(program: Command): void {
  const token = program
    .command("token")
    .description("join tokens for nodes: `skiff agent --token` on another machine joins it to this cluster");
  withApiOptions(
    token
      .command("create")
      .description(
        "create a join token and print it (and, on stderr, the `skiff agent` command that uses it)",
      )
      .addOption(
        new Option("--ttl <duration>", "how long the token is valid (e.g. 30m, 24h, 7d; 0: forever)").default(
          "24h",
        ),
      )
      .option("--description <text>", "what the token is for (shown by `skiff token list`)")
      .option(
        "--server <url>",
        "the API address agents reach, for the join command (default: the kubeconfig's)",
      )
      .option("--print-join-command", "print only the full `skiff agent ...` command on stdout"),
  )
    .addHelpText(
      "after",
      `
A token is <6-character id>.<16-character secret>, kept as the Secret
kube-system/bootstrap-token-<id> (Kubernetes' bootstrap token format). Creating one also
publishes the server's address and CA certificate in kube-public/cluster-info, which anyone
may read: the agent reads it and trusts the CA only if it matches --ca-cert-hash, the SHA-256
of the CA's public key (kubeadm's --discovery-token-ca-cert-hash).

The token authenticates as system:bootstrap:<id> in the groups system:bootstrappers and
system:nodes, which the ClusterRole system:node allows what a node agent does. Treat it like
a password until it expires; \`skiff token delete <id>\` revokes it at once.

Examples:
  skiff token create
  skiff token create --ttl 1h --server https://10.0.0.5:6443 --print-join-command
  skiff token list
  skiff token delete abcdef`,
    )
    .action(create);
  withApiOptions(
    token
      .command("list")
      .alias("ls")
      .description("list join tokens")
      .option("--json", "print JSON instead of a table"),
  ).action(list);
  withApiOptions(
    token
      .command("delete <id>")
      .alias("rm")
      .description("delete (revoke) a join token, given by id or as the whole token"),
  ).action(async (idOrToken: string, flags: TokenFlags) => {
    const api = client(await connection(flags));
    try {
      process.stdout.write(`deleted join token ${await deleteJoinToken(api, idOrToken)}\n`);
    } finally {
      api.close();
    }
  });
}
