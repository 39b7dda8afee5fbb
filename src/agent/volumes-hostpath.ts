// hostPath volumes: the `type` checks and creations of the kubelet (hostpath.go): "" checks
// nothing; DirectoryOrCreate / FileOrCreate make what is missing; Directory, File, Socket,
// CharDevice and BlockDevice require it to exist as that kind.
import { mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { ContainerStartFailure } from "./pod-runtime.js";

function fail(message: string): ContainerStartFailure {
  return new ContainerStartFailure("CreateContainerConfigError", `hostPath type check failed: ${message}`);
}

export async function prepareHostPath(path: string, type: string | undefined): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  switch (type ?? "") {
    case "":
      return;
    case "DirectoryOrCreate":
      if (st === undefined) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw fail(`${path} is not a directory`);
      return;
    case "FileOrCreate":
      if (st === undefined) {
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        await (await open(path, "a", 0o644)).close();
      } else if (!st.isFile()) throw fail(`${path} is not a file`);
      return;
    case "Directory":
      if (st === undefined || !st.isDirectory()) throw fail(`${path} is not a directory`);
      return;
    case "File":
      if (st === undefined || !st.isFile()) throw fail(`${path} is not a file`);
      return;
    case "Socket":
      if (st === undefined || !st.isSocket()) throw fail(`${path} is not a socket file`);
      return;
    case "CharDevice":
      if (st === undefined || !st.isCharacterDevice()) throw fail(`${path} is not a character device`);
      return;
    case "BlockDevice":
      if (st === undefined || !st.isBlockDevice()) throw fail(`${path} is not a block device`);
      return;
    default:
      throw fail(`unknown hostPath type ${type ?? ""}`);
  }
}
