// Flags every admin command takes to reach the registry and prove it is an admin.
import { Option, type Command } from "commander";
import { AdminClient } from "../admin-client.js";
import { DEFAULT_DATA_DIR, DEFAULT_REGISTRY_LISTEN } from "./server.js";

export interface ConnectionFlags {
  registry: string;
  dataDir: string;
  json?: boolean;
}

export function withConnection(command: Command): Command {
  return command
    .addOption(
      new Option("--registry <url>", "registry to manage")
        .env("SKIFF_REGISTRY")
        .default(`http://${DEFAULT_REGISTRY_LISTEN}`),
    )
    .addOption(
      new Option("--data-dir <dir>", "server data directory, to sign an admin token on the server's machine")
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_DATA_DIR),
    )
    .option("--json", "print JSON instead of a table");
}

/** Connects with SKIFF_REGISTRY_USER/SKIFF_REGISTRY_PASSWORD when set, else with the data dir's key. */
export function connect(flags: ConnectionFlags): Promise<AdminClient> {
  const password = process.env.SKIFF_REGISTRY_PASSWORD;
  const user = process.env.SKIFF_REGISTRY_USER;
  return AdminClient.connect({
    registry: flags.registry,
    dataDir: flags.dataDir,
    ...(password !== undefined && { password }),
    ...(user !== undefined && { user }),
  });
}

export const CONNECTION_HELP = `
Credentials: on the server's machine (as root) the command signs an admin token with the key
under --data-dir; elsewhere set SKIFF_REGISTRY_USER and SKIFF_REGISTRY_PASSWORD (an admin's
access key secret or login token).`;
