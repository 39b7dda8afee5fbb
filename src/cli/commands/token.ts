// `skiff token create|list|delete`: join tokens for `skiff agent` (like `kubeadm token`),
// managed through the Kubernetes API with the admin kubeconfig the server wrote.
import { Option, type Command } from "commander";
import { DEFAULT_DATA_DIR } from "./server.js";
import type { CreateFlags, TokenFlags } from "./token-actions.js";

// The Kubernetes API client is loaded only when a token command runs.
const actions = () => import("./token-actions.js");

function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--data-dir <dir>", "the server's data directory (its admin kubeconfig is used)")
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_DATA_DIR),
    )
    .addOption(new Option("--kubeconfig <path>", "use this admin kubeconfig instead of the data dir's"));
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
    .action(async (flags: CreateFlags) => (await actions()).create(flags));
  withApiOptions(
    token
      .command("list")
      .alias("ls")
      .description("list join tokens")
      .option("--json", "print JSON instead of a table"),
  ).action(async (flags: TokenFlags) => (await actions()).list(flags));
  withApiOptions(
    token
      .command("delete <id>")
      .alias("rm")
      .description("delete (revoke) a join token, given by id or as the whole token"),
  ).action(async (idOrToken: string, flags: TokenFlags) => (await actions()).remove(idOrToken, flags));
}
