// `skiff kubeconfig`: prints the admin kubeconfig the server wrote to its data dir (like
// `k3s kubectl config`), optionally pointed at another address of the same server.
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { DataPaths } from "../../server/data-dir.js";
import { CliError } from "../admin-client.js";
import { DEFAULT_DATA_DIR } from "./server.js";

interface KubeconfigFlags {
  dataDir: string;
  server?: string;
}

export async function readAdminKubeconfig(dataDir: string): Promise<string> {
  const path = DataPaths.apiKubeconfig(dataDir);
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new CliError(
        `no kubeconfig at ${path}: start \`skiff server --data-dir ${dataDir}\` once (it writes one at first start)`,
      );
    }
    if (code === "EACCES")
      throw new CliError(`cannot read ${path}: permission denied (it is readable by its owner only)`);
    throw err;
  }
}

export function registerKubeconfigCommand(program: Command): void {
  program
    .command("kubeconfig")
    .description(
      "print the admin kubeconfig of the Kubernetes API (export KUBECONFIG=... or save it as ~/.kube/config)",
    )
    .addOption(
      new Option("--data-dir <dir>", "the server's data directory")
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_DATA_DIR),
    )
    .addOption(
      new Option(
        "--server <url>",
        "API address to put in the kubeconfig instead of the one the server listens on (e.g. https://10.0.0.5:6443)",
      ),
    )
    .addHelpText(
      "after",
      `
The kubeconfig carries the admin's bearer token (user skiff-admin, group system:masters):
treat it like a password.

Examples:
  skiff kubeconfig > ~/.kube/config && kubectl get nodes
  skiff kubeconfig --data-dir /srv/skiff --server https://10.0.0.5:6443 > skiff.kubeconfig`,
    )
    .action(async (flags: KubeconfigFlags) => {
      const text = await readAdminKubeconfig(flags.dataDir);
      if (flags.server === undefined) return void process.stdout.write(text);
      // The YAML library is loaded only here, not by every other command.
      const { withServer } = await import("./kubeconfig-server.js");
      process.stdout.write(withServer(text, flags.server));
    });
}
