// `skopeo copy` with the flags our loopback registries need.
import { runOk, type RunResult } from "./tools.js";

export interface SkopeoCopyOptions {
  /** Copy every image of an index (--all). Default true. */
  all?: boolean;
  /** Fail instead of converting manifests (--preserve-digests). Default true. */
  preserveDigests?: boolean;
  /** "user:password" for a docker:// source. */
  srcCreds?: string;
  /** "user:password" for a docker:// destination. */
  destCreds?: string;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Runs `skopeo copy SRC DEST` over plain HTTP (tls-verify off on both sides). References use
 * skopeo's transports: `oci:DIR:TAG`, `docker://HOST:PORT/REPO:TAG`.
 *
 * Note: as root skopeo keeps a blob-info cache in /var/lib/containers/cache and, when pushing,
 * mounts blobs it has seen in another repository of the same registry (host:port) instead
 * of uploading them. Use fresh content (a new seed) when every byte must really travel.
 */
export function skopeoCopy(src: string, dest: string, opts: SkopeoCopyOptions = {}): Promise<RunResult> {
  const args = ["--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false"];
  if (opts.all ?? true) args.push("--all");
  if (opts.preserveDigests ?? true) args.push("--preserve-digests");
  if (opts.srcCreds !== undefined) args.push("--src-creds", opts.srcCreds);
  if (opts.destCreds !== undefined) args.push("--dest-creds", opts.destCreds);
  args.push(src, dest);
  return runOk("skopeo", args, { timeoutMs: opts.timeoutMs ?? 600_000 });
}
