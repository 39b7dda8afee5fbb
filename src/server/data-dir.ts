// The data directory: everything Skiff stores lives below it. Checked at start so an
// unusable directory is a clear error rather than a failure deep inside a request.
import { constants } from "node:fs";
import { access, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const DataPaths = {
  registryContent: (root: string) => join(root, "registry", "content"),
  registryDb: (root: string) => join(root, "registry", "registry.db"),
  authDir: (root: string) => join(root, "auth"),
  authDb: (root: string) => join(root, "auth", "auth.db"),
  adminCredentials: (root: string) => join(root, "auth", "admin-credentials"),
  images: (root: string) => join(root, "images"),
  snapshots: (root: string) => join(root, "snapshots"),
  containers: (root: string) => join(root, "containers"),
  volumes: (root: string) => join(root, "volumes"),
  net: (root: string) => join(root, "net"),
  /** The cluster API: its database (SQLite), encryption key, PKI and admin kubeconfig. */
  api: (root: string) => join(root, "api"),
  apiPki: (root: string) => join(root, "api", "pki"),
  apiKubeconfig: (root: string) => join(root, "api", "admin.kubeconfig"),
} as const;

export class DataDirError extends Error {}

/** Creates the data directory if needed and proves it writable. */
export async function prepareDataDir(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    await mkdir(join(root, "registry"), { recursive: true, mode: 0o700 });
    await mkdir(DataPaths.authDir(root), { recursive: true, mode: 0o700 });
    await access(root, constants.W_OK | constants.R_OK | constants.X_OK);
    const probe = join(root, `.write-probe-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "EEXIST" || code === "ENOTDIR"
        ? "not a directory"
        : code === "EACCES" || code === "EPERM" || code === "EROFS"
          ? "not writable"
          : (code ?? (err as Error).message);
    throw new DataDirError(
      `data directory ${root} is not usable (${reason}); pass --data-dir with a writable directory or fix its permissions`,
    );
  }
}
