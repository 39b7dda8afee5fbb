// `--change` instructions of `docker import` and `docker commit`: the Dockerfile instructions
// that only touch the image config (CMD, ENTRYPOINT, ENV, EXPOSE, WORKDIR, USER, LABEL,
// VOLUME, STOPSIGNAL), parsed and applied the way the Dockerfile builder does.
import type { ContainerConfig } from "../oci/image-config.js";
import { ImageRequestError } from "./errors.js";

const ALLOWED = [
  "CMD",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "WORKDIR",
  "USER",
  "LABEL",
  "VOLUME",
  "STOPSIGNAL",
  "ONBUILD",
] as const;
type Instruction = (typeof ALLOWED)[number];

/** Applies `changes` in order to a copy of `config`. */
export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  let out: ContainerConfig = structuredClone(config);
  for (const change of changes) {
    for (const line of change.split("\n")) {
      if (line.trim() === "" || line.trim().startsWith("#")) continue;
      out = applyOne(out, line.trim());
    }
  }
  return out;
}

function applyOne(config: ContainerConfig, line: string): ContainerConfig {
  const match = /^(\S+)\s*(.*)$/s.exec(line)!;
  const name = match[1]!.toUpperCase() as Instruction;
  const args = match[2]!.trim();
  if (!ALLOWED.includes(name)) throw new ImageRequestError(`${match[1]} is not a valid change command`);
  switch (name) {
    case "CMD":
      return { ...config, Cmd: commandForm(args, name) };
    case "ENTRYPOINT":
      // As in a Dockerfile, a new entrypoint drops the inherited CMD.
      return { ...config, Entrypoint: commandForm(args, name), Cmd: null };
    case "ENV":
      return { ...config, Env: mergeEnv(config.Env ?? [], keyValues(args, name, true)) };
    case "LABEL":
      return {
        ...config,
        Labels: { ...(config.Labels ?? {}), ...Object.fromEntries(keyValues(args, name, false)) },
      };
    case "EXPOSE":
      return { ...config, ExposedPorts: { ...(config.ExposedPorts ?? {}), ...exposed(args) } };
    case "VOLUME": {
      const list = args.startsWith("[") ? jsonList(args, name) : words(args);
      if (list.length === 0) throw new ImageRequestError("VOLUME requires at least one argument");
      return {
        ...config,
        Volumes: { ...(config.Volumes ?? {}), ...Object.fromEntries(list.map((v) => [v, {}])) },
      };
    }
    case "WORKDIR": {
      const dir = requireOne(args, name);
      const base = config.WorkingDir ?? "/";
      return { ...config, WorkingDir: dir.startsWith("/") ? dir : `${base.replace(/\/$/, "")}/${dir}` };
    }
    case "USER":
      return { ...config, User: requireOne(args, name) };
    case "STOPSIGNAL":
      return { ...config, StopSignal: requireOne(args, name) };
    case "ONBUILD":
      return { ...config, OnBuild: [...(config.OnBuild ?? []), args] };
  }
}

// JSON (exec) form as given; shell form runs under /bin/sh -c.
function commandForm(args: string, name: string): string[] {
  if (args.startsWith("[")) {
    try {
      return jsonList(args, name);
    } catch {
      // Not valid JSON: Docker falls back to the shell form.
    }
  }
  if (args === "") throw new ImageRequestError(`${name} requires at least one argument`);
  return ["/bin/sh", "-c", args];
}

function jsonList(args: string, name: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new ImageRequestError(`${name}: invalid JSON list ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string")) {
    throw new ImageRequestError(`${name}: expected a JSON list of strings`);
  }
  return parsed;
}

function requireOne(args: string, name: string): string {
  const list = words(args);
  if (list.length !== 1) throw new ImageRequestError(`${name} requires exactly one argument`);
  return list[0]!;
}

/** Splits on blanks, honouring double and single quotes and backslash escapes. */
export function words(input: string): string[] {
  const out: string[] = [];
  let current = "";
  let started = false;
  let quote: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === "\\" && quote !== "'" && i + 1 < input.length) {
      current += input[++i];
      started = true;
    } else if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote !== undefined) throw new ImageRequestError(`unterminated quote in ${JSON.stringify(input)}`);
  if (started) out.push(current);
  return out;
}

// `K=V K2="V 2"`, or the legacy single pair `K V W` (ENV only).
function keyValues(args: string, name: string, legacy: boolean): Array<[string, string]> {
  const list = words(args);
  if (list.length === 0) throw new ImageRequestError(`${name} requires at least one argument`);
  if (!list[0]!.includes("=")) {
    if (!legacy || list.length < 2) throw new ImageRequestError(`${name} must have two arguments`);
    const first = /^(\S+)\s+(.*)$/s.exec(args)!;
    return [[first[1]!, words(first[2]!).join(" ")]];
  }
  return list.map((kv) => {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new ImageRequestError(`${name} names can not be blank`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

function mergeEnv(env: readonly string[], pairs: Array<[string, string]>): string[] {
  const out = [...env];
  for (const [key, value] of pairs) {
    const at = out.findIndex((e) => e.split("=", 1)[0] === key);
    if (at >= 0) out[at] = `${key}=${value}`;
    else out.push(`${key}=${value}`);
  }
  return out;
}

function exposed(args: string): Record<string, object> {
  const out: Record<string, object> = {};
  for (const spec of words(args)) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    if (!m) throw new ImageRequestError(`invalid containerPort: ${spec}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 65535 || to < from) throw new ImageRequestError(`invalid containerPort: ${spec}`);
    for (let p = from; p <= to; p++) out[`${p}/${(m[3] ?? "tcp").toLowerCase()}`] = {};
  }
  return out;
}
