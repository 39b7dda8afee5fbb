// Platforms (`linux/amd64`, `linux/arm64/v8`): parsing, the host's own, and choosing the
// matching manifest of an index the way containerd's default matcher does.
import type { Descriptor } from "./descriptor.js";

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

export class InvalidPlatformError extends Error {
  readonly statusCode = 400;
  constructor(input: string, reason: string) {
    super(`"${input}": ${reason}`);
  }
}

// Node's process.arch and the aliases users type, to the GOARCH names images use.
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x64: "amd64",
  x86_64: "amd64",
  "x86-64": "amd64",
  aarch64: "arm64",
  ia32: "386",
  i386: "386",
  armhf: "arm",
  armel: "arm",
  ppc64: "ppc64le",
};

/** Normalises architecture and variant: `aarch64` → `arm64`, arm64's variant `v8` is the default. */
export function normalizePlatform(p: PlatformSpec): PlatformSpec {
  const os = p.os.toLowerCase();
  const architecture = ARCH_ALIASES[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (architecture === "arm64" && (variant === "8" || variant === "v8")) variant = undefined;
  if (architecture === "arm" && variant === undefined) variant = "v7";
  if (architecture === "arm" && variant !== undefined && /^\d+$/.test(variant)) variant = `v${variant}`;
  if (architecture === "amd64" && variant === "v1") variant = undefined;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** Parses `os[/arch[/variant]]` (or just an architecture, meaning linux). */
export function parsePlatform(input: string): PlatformSpec {
  const parts = input.trim().split("/");
  if (parts.some((p) => p === "" || !/^[A-Za-z0-9_.-]+$/.test(p)) || parts.length > 3) {
    throw new InvalidPlatformError(input, "invalid platform, expected os/arch[/variant]");
  }
  if (parts.length === 1) {
    const [only] = parts as [string];
    return only.toLowerCase() === "linux"
      ? hostPlatform()
      : normalizePlatform({ os: "linux", architecture: only });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform(variant === undefined ? { os, architecture } : { os, architecture, variant });
}

/** `linux/arm64/v8` style; arm64 shows its default variant as Docker does in messages. */
export function formatPlatform(p: PlatformSpec): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined && s !== "").join("/");
}

/** The platform containers run as on this machine. */
export function hostPlatform(): PlatformSpec {
  return normalizePlatform({
    os: "linux",
    architecture: process.arch,
    ...(process.arch === "arm" && { variant: "v7" }),
  });
}

/** Whether an image of platform `have` runs where `want` is asked for. */
export function platformMatches(want: PlatformSpec, have: PlatformSpec): boolean {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return w.variant === undefined || h.variant === undefined || w.variant === h.variant;
}

/**
 * The entry of an index for `want`: an exact variant match first, then a compatible one.
 * Entries without a platform (attestations, other artifacts) never match.
 */
export function pickManifest(entries: readonly Descriptor[], want: PlatformSpec): Descriptor | undefined {
  const w = normalizePlatform(want);
  const candidates = entries.filter(
    (d) => d.platform !== undefined && d.platform.os !== "unknown" && platformMatches(w, d.platform),
  );
  const exact = candidates.find((d) => normalizePlatform(d.platform!).variant === w.variant);
  return exact ?? candidates[0];
}
