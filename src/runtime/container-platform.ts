// The host platform as Docker names it in its platform-mismatch warning: os/arch, and for
// amd64 the x86-64 micro-architecture level (v1..v4, from the CPU flags in /proc/cpuinfo).
import { readFileSync } from "node:fs";

const ARCH: Readonly<Record<string, string>> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

const LEVELS: ReadonlyArray<[string, readonly string[]]> = [
  ["v4", ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]],
  ["v3", ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe"]],
  ["v2", ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"]],
];

/** The amd64 level of a /proc/cpuinfo text (each level needs the lower ones' flags too). */
export function amd64Level(cpuinfo: string): string {
  const line = cpuinfo.split("\n").find((l) => l.startsWith("flags")) ?? "";
  const flags = new Set(
    line
      .slice(line.indexOf(":") + 1)
      .trim()
      .split(/\s+/),
  );
  let level = "v1";
  for (const [name, needs] of [...LEVELS].reverse()) {
    if (!needs.every((f) => flags.has(f))) break;
    level = name;
  }
  return level;
}

let cached: string | undefined;

export function hostPlatform(): string {
  if (cached !== undefined) return cached;
  const arch = ARCH[process.arch] ?? process.arch;
  let platform = `linux/${arch}`;
  if (arch === "amd64") {
    try {
      platform += `/${amd64Level(readFileSync("/proc/cpuinfo", "utf8"))}`;
    } catch {
      platform += "/v1";
    }
  }
  cached = platform;
  return platform;
}
