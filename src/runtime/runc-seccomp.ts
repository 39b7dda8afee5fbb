// A Docker-like default seccomp profile for runc. Docker's profile is an allowlist of ~350
// syscalls; this is the equivalent denylist of the significant syscalls it blocks (Docker's
// "seccomp security profiles" page), each answered with EPERM unless the container holds the
// capability Docker would require for it. clone3 answers ENOSYS as in Docker, so libc falls
// back to clone. Syscall names unknown to the host's libseccomp are skipped by runc.
import type { OciSeccomp, OciSeccompSyscall } from "./oci-spec-types.js";

const EPERM = 1;
const ENOSYS = 38;

/** Blocked unless the capability is held. */
const NEEDS_CAPABILITY: ReadonlyArray<[string, readonly string[]]> = [
  [
    "CAP_SYS_ADMIN",
    [
      "bpf",
      "lookup_dcookie",
      "mount",
      "umount",
      "umount2",
      "pivot_root",
      "quotactl",
      "setns",
      "swapon",
      "swapoff",
      "unshare",
      "fanotify_init",
      "open_tree",
      "move_mount",
      "fsopen",
      "fsconfig",
      "fsmount",
      "fspick",
    ],
  ],
  ["CAP_SYS_PACCT", ["acct"]],
  [
    "CAP_SYS_TIME",
    ["clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64", "settimeofday", "stime"],
  ],
  [
    "CAP_SYS_MODULE",
    ["create_module", "delete_module", "finit_module", "init_module", "query_module", "get_kernel_syms"],
  ],
  ["CAP_SYS_NICE", ["get_mempolicy", "mbind", "move_pages", "set_mempolicy"]],
  ["CAP_SYS_RAWIO", ["ioperm", "iopl"]],
  ["CAP_SYS_PTRACE", ["kcmp", "process_vm_readv", "process_vm_writev", "userfaultfd"]],
  ["CAP_SYS_BOOT", ["kexec_file_load", "kexec_load", "reboot"]],
  ["CAP_DAC_READ_SEARCH", ["name_to_handle_at", "open_by_handle_at"]],
  ["CAP_PERFMON", ["perf_event_open"]],
];

/** Blocked for everyone (obsolete, or the kernel keyring, which is not namespaced). */
const ALWAYS_BLOCKED: readonly string[] = [
  "add_key",
  "keyctl",
  "request_key",
  "nfsservctl",
  "sysfs",
  "_sysctl",
  "uselib",
  "ustat",
  "vm86",
  "vm86old",
];

/** The profile for a container holding `capabilities` ("CAP_…"). */
export function defaultSeccompProfile(capabilities: readonly string[]): OciSeccomp {
  const held = new Set(capabilities);
  const denied = [...ALWAYS_BLOCKED];
  for (const [cap, names] of NEEDS_CAPABILITY) {
    // Docker allows perf_event_open with CAP_SYS_ADMIN too.
    const allowed = held.has(cap) || (cap === "CAP_PERFMON" && held.has("CAP_SYS_ADMIN"));
    if (!allowed) denied.push(...names);
  }
  const syscalls: OciSeccompSyscall[] = [{ names: denied, action: "SCMP_ACT_ERRNO", errnoRet: EPERM }];
  if (!held.has("CAP_SYS_ADMIN"))
    syscalls.push({ names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS });
  const architectures = ARCHITECTURES[process.arch];
  return { defaultAction: "SCMP_ACT_ALLOW", ...(architectures ? { architectures } : {}), syscalls };
}

/** The host's native architecture and the compat ones its kernel also runs (as Docker lists them). */
const ARCHITECTURES: Readonly<Record<string, string[]>> = {
  x64: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  arm64: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
};
