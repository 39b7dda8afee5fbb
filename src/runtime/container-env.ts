// The environment a container (or an exec in it) runs with, as Docker builds it
// (container.CreateDaemonEnvironment, then the user's HOME): PATH, HOSTNAME and, with a TTY,
// TERM first; the container's Env replaces or extends them; HOME from /etc/passwd if unset.
import type { ContainerConfig } from "./docker-api-types.js";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Replaces each `KEY=…` of `base` that `overrides` sets, and appends the rest. */
export function replaceOrAppendEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  const index = new Map(out.map((e, i) => [e.split("=", 1)[0] ?? e, i]));
  for (const e of overrides) {
    const key = e.split("=", 1)[0] ?? e;
    const at = index.get(key);
    if (at !== undefined) out[at] = e;
    else {
      index.set(key, out.length);
      out.push(e);
    }
  }
  return out;
}

export function containerEnv(
  config: ContainerConfig,
  home: string,
  extra: readonly string[] = [],
  tty = config.Tty === true,
): string[] {
  const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${config.Hostname ?? ""}`];
  if (tty) base.push("TERM=xterm");
  const env = replaceOrAppendEnv(replaceOrAppendEnv(base, config.Env ?? []), extra);
  if (!env.some((e) => e.startsWith("HOME="))) env.push(`HOME=${home || "/"}`);
  return env;
}
