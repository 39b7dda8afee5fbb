// `kubectl patch --local` as a reference implementation for the patch tests: it applies a patch
// to a file with Kubernetes' own libraries and kubectl's compiled-in types, no server involved.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../../test/support/tools.js";

export interface KubectlLocal {
  /** The patched object, or the error kubectl prints (without its `error: ` prefix). */
  patch(
    live: unknown,
    type: "json" | "merge" | "strategic",
    patch: unknown,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: string }>;
  close(): void;
}

export function kubectlLocal(): KubectlLocal {
  const dir = mkdtempSync(join(tmpdir(), "skiff-patch-"));
  // The machine's kubectl dispatcher asks the kubeconfig's server for its version first: a
  // closed port makes it fall back to its own kubectl at once.
  writeFileSync(
    join(dir, "kubeconfig"),
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: x, cluster: {server: 'https://127.0.0.1:1'}}]",
      "contexts: [{name: x, context: {cluster: x, user: x}}]",
      "current-context: x",
      "users: [{name: x, user: {token: t}}]",
    ].join("\n"),
  );
  let n = 0;
  return {
    async patch(live, type, patch) {
      const file = join(dir, `obj-${n++}.json`);
      writeFileSync(file, JSON.stringify(live));
      const r = await run(
        "kubectl",
        ["patch", "--local", "-f", file, "--type", type, "-p", JSON.stringify(patch), "-o", "json"],
        {
          env: { ...process.env, KUBECONFIG: join(dir, "kubeconfig"), HOME: dir },
          timeoutMs: 20_000,
        },
      );
      if (r.code === 0) return { ok: true, value: JSON.parse(r.stdout) as unknown };
      return { ok: false, error: r.stderr.trim().replace(/^error: /, "") };
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
