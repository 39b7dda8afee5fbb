// The `skiff` command.
import { Command, CommanderError } from "commander";
import { createRequire } from "node:module";
import { DataDirError } from "../server/data-dir.js";
import { ListenError } from "../server/registry.js";
import { ApiListenError } from "../api/http/server.js";
import { CliError } from "./admin-client.js";
import { registerAgentCommand } from "./commands/agent.js";
import { registerKubeconfigCommand } from "./commands/kubeconfig.js";
import { registerRegistryCommands } from "./commands/registry.js";
import { registerServerCommand } from "./commands/server.js";
import { registerTokenCommands } from "./commands/token.js";

// Native addons (node-unix-socket) detect glibc through process.report.getReport(), which by
// default resolves the address of every open socket synchronously: with the agent's API
// connection open and no reverse DNS it blocked start-up for 20 s.
// (Node ≥ 20.13 has the switch; this @types/node does not list it yet.)
(process.report as NodeJS.ProcessReport & { excludeNetwork?: boolean }).excludeNetwork = true;

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

const program = new Command()
  .name("skiff")
  .description(
    "Skiff: a private image registry, a container engine and a Kubernetes-compatible cluster in one program",
  )
  .version(version)
  .showHelpAfterError()
  .exitOverride();

registerServerCommand(program);
registerRegistryCommands(program);
registerKubeconfigCommand(program);
registerTokenCommands(program);
registerAgentCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const known =
    err instanceof CliError ||
    err instanceof DataDirError ||
    err instanceof ListenError ||
    err instanceof ApiListenError;
  const message = known || err instanceof Error ? (err as Error).message : String(err);
  process.stderr.write(`skiff: ${message}\n`);
  if (!known && err instanceof Error && process.env.SKIFF_DEBUG) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}
