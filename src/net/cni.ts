// Runs CNI plugins as the CNI spec says: the command and container in environment variables,
// the network configuration on stdin, the result (or a CNI error) as JSON on stdout.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { execTool, TOOL_PATH } from "./exec.js";

export const CNI_VERSION = "1.0.0";
export const DEFAULT_PLUGIN_DIRS: readonly string[] = ["/usr/lib/cni", "/opt/cni/bin"];

export type CniCommand = "ADD" | "DEL" | "CHECK";

/** One plugin's configuration: `type` names the binary; the rest is the plugin's own. */
export interface PluginConfig {
  cniVersion: string;
  name: string;
  type: string;
  [key: string]: unknown;
}

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}
export interface CniIpConfig {
  interface?: number;
  address: string; // CIDR: "10.89.0.5/16"
  gateway?: string;
}
/** The CNI 1.0 result, as returned by ADD and passed on as `prevResult`. */
export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: Array<{ dst: string; gw?: string }>;
  dns?: Record<string, unknown>;
}

/** A plugin failed: `code` and `msg` are the CNI error's (code 0 when it printed none). */
export class CniError extends Error {
  readonly code: number;
  readonly plugin: string;
  constructor(plugin: string, command: CniCommand, code: number, msg: string) {
    super(`CNI plugin ${plugin} ${command} failed: ${msg}`);
    this.name = "CniError";
    this.plugin = plugin;
    this.code = code;
  }
}

export interface Invocation {
  command: CniCommand;
  containerId: string;
  /** Empty for DEL when the namespace is already gone (the spec allows it). */
  netns: string;
  ifName: string;
  config: PluginConfig;
}

/** Finds plugin binaries in an ordered list of directories (CNI_PATH). */
export class CniPlugins {
  readonly #dirs: readonly string[];
  readonly #found = new Map<string, string>();

  constructor(dirs: readonly string[] = DEFAULT_PLUGIN_DIRS) {
    this.#dirs = dirs;
  }

  /** Absolute path of plugin `type`; throws when no directory has it. */
  locate(type: string): string {
    const cached = this.#found.get(type);
    if (cached !== undefined) return cached;
    for (const dir of this.#dirs) {
      const path = join(dir, type);
      try {
        accessSync(path, constants.X_OK);
        this.#found.set(type, path);
        return path;
      } catch {
        // try the next directory
      }
    }
    throw new Error(
      `CNI plugin "${type}" not found in ${this.#dirs.join(", ")}: install the Debian package containernetworking-plugins`,
    );
  }

  /** Runs one plugin; resolves with its parsed result (ADD), or undefined (DEL, CHECK). */
  async invoke(inv: Invocation): Promise<CniResult | undefined> {
    const path = this.locate(inv.config.type);
    const env: NodeJS.ProcessEnv = {
      PATH: TOOL_PATH,
      CNI_COMMAND: inv.command,
      CNI_CONTAINERID: inv.containerId,
      CNI_NETNS: inv.netns,
      CNI_IFNAME: inv.ifName,
      CNI_PATH: this.#dirs.join(":"),
    };
    const { code, stdout, stderr } = await execTool(path, [], { env, input: JSON.stringify(inv.config) });
    if (code !== 0) {
      const { errCode, msg } = parseError(stdout, stderr, code);
      throw new CniError(inv.config.type, inv.command, errCode, msg);
    }
    if (inv.command !== "ADD") return undefined;
    try {
      return JSON.parse(stdout) as CniResult;
    } catch {
      throw new CniError(inv.config.type, inv.command, 0, `unparsable result: ${stdout.slice(0, 200)}`);
    }
  }
}

function parseError(stdout: string, stderr: string, exit: number | null): { errCode: number; msg: string } {
  try {
    const e = JSON.parse(stdout) as { code?: number; msg?: string; details?: string };
    if (typeof e.msg === "string") {
      return { errCode: e.code ?? 0, msg: e.details ? `${e.msg}: ${e.details}` : e.msg };
    }
  } catch {
    // not a CNI error object
  }
  const text = (stderr.trim() || stdout.trim()).slice(0, 500);
  return { errCode: 0, msg: text || `exit status ${String(exit)}` };
}
