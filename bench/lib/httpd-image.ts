// The image both orchestrators run in the orchestration benchmark: the busybox root filesystem
// of the engine tests, serving HTTP with busybox httpd in the foreground. Two tags of it differ
// only in an environment variable, for rolling updates.
import { busyboxRootfsTar } from "../../test/support/busybox-image.js";

/** `docker import` arguments (after "import") that make tag `v` of the image from `tar`. */
export function httpdImportArgs(tar: string, ref: string, v: 1 | 2): string[] {
  return [
    "import",
    "--change",
    'CMD ["httpd", "-f", "-p", "80", "-h", "/tmp"]',
    "--change",
    `ENV BENCH_IMAGE_VERSION=${v}`,
    tar,
    ref,
  ];
}

/** Writes the busybox root filesystem tar into `dir` and returns its path. */
export function httpdRootfsTar(dir: string): Promise<string> {
  return busyboxRootfsTar(dir, "bench-httpd-rootfs.tar");
}
