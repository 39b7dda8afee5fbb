// `skiff registry …`: the registry's own commands, grouped.
import { Option, type Command } from "commander";
import { loginTokenFromDataDir } from "../admin-client.js";
import { parseDuration } from "../units.js";
import { registerAccessCommands } from "./access.js";
import { registerLifecycleCommands } from "./lifecycle.js";
import { registerRepositoryCommands } from "./repositories.js";
import { DEFAULT_DATA_DIR, registerRegistryServeCommand } from "./server.js";

export function registerRegistryCommands(program: Command): void {
  const registry = program
    .command("registry")
    .description(
      "the private image registry: serve it, log in, manage repositories, access, lifecycle and gc",
    );

  registerRegistryServeCommand(registry);

  registry
    .command("login-password")
    .description(
      "print a login token (valid 12 hours) for docker/skopeo/podman login, like `aws ecr get-login-password`",
    )
    .option("--user <name>", "user the token is for", "skiff")
    .option("--ttl <duration>", "how long the token is valid", "12h")
    .addOption(
      new Option(
        "--data-dir <dir>",
        "data directory of the server on this machine (its signing key signs the token)",
      )
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_DATA_DIR),
    )
    .addHelpText(
      "after",
      `
Example:
  skiff registry login-password | docker login --username skiff --password-stdin 127.0.0.1:5000
  skopeo copy --dest-creds skiff:$(skiff registry login-password) oci:img:latest docker://127.0.0.1:5000/team/app:1`,
    )
    .action(async (flags: { user: string; ttl: string; dataDir: string }) => {
      const token = await loginTokenFromDataDir(flags.dataDir, flags.user, parseDuration(flags.ttl) / 1000);
      process.stdout.write(`${token}\n`);
    });

  registerRepositoryCommands(registry);
  registerAccessCommands(registry);
  registerLifecycleCommands(registry);
}
