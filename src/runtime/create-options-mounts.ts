// Docker's mount specifications, parsed and checked without touching the disk: `-v` binds
// (`/host:/ctr[:opts]`, `name:/ctr`, `/ctr`), `--mount` (HostConfig.Mounts), `--tmpfs` and
// the image's VOLUMEs. Messages are moby's (volume/mounts/linux_parser.go).
import { isAbsolute, posix } from "node:path";
import { InvalidParameterError } from "./container-errors.js";
import type { HostConfig, MountJSON } from "./docker-api-types.js";

export type MountRequest =
  | {
      type: "bind";
      source: string;
      destination: string;
      rw: boolean;
      mode: string;
      propagation: string;
      /** --mount needs the source to exist; -v creates a missing host directory. */
      mustExist: boolean;
    }
  | {
      type: "volume";
      name: string | undefined; // undefined: a new anonymous volume
      destination: string;
      rw: boolean;
      mode: string;
      labels?: Record<string, string>;
      noCopy?: boolean;
    }
  | { type: "tmpfs"; destination: string; options: string[] };

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const PROPAGATIONS = new Set(["private", "rprivate", "shared", "rshared", "slave", "rslave"]);
const MODE_WORDS = new Set(["ro", "rw", "z", "Z", "nocopy", "consistent", "cached", "delegated"]);

function invalidSpec(spec: string): InvalidParameterError {
  return new InvalidParameterError(`invalid volume specification: '${spec}'`);
}

function checkDestination(kind: string, dest: string): string {
  if (dest === "")
    throw new InvalidParameterError(
      `invalid mount config for type "${kind}": field Target must not be empty`,
    );
  if (!isAbsolute(dest)) {
    throw new InvalidParameterError(
      `invalid mount config for type "${kind}": invalid mount path: '${dest}' mount path must be absolute`,
    );
  }
  const clean = posix.normalize(dest);
  if (clean === "/") throw new InvalidParameterError("invalid specification: destination can't be '/'");
  return clean.length > 1 && clean.endsWith("/") ? clean.slice(0, -1) : clean;
}

function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new InvalidParameterError(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** One `-v`/Binds entry. */
export function parseBind(spec: string): MountRequest {
  const parts = spec.split(":");
  if (parts.length > 3 || parts.some((p) => p === "")) throw invalidSpec(spec);
  if (parts.length === 1) {
    return {
      type: "volume",
      name: undefined,
      destination: checkDestination("volume", parts[0] ?? ""),
      rw: true,
      mode: "",
    };
  }
  const [source = "", target = "", mode = ""] = parts;
  let rw = true;
  let propagation = "";
  for (const word of mode === "" ? [] : mode.split(",")) {
    if (PROPAGATIONS.has(word)) propagation = word;
    else if (!MODE_WORDS.has(word)) throw invalidSpec(spec);
    if (word === "ro") rw = false;
  }
  if (isAbsolute(source)) {
    return {
      type: "bind",
      source: posix.normalize(source),
      destination: checkDestination("bind", target),
      rw,
      mode,
      propagation: propagation === "" ? "rprivate" : propagation,
      mustExist: false,
    };
  }
  if (propagation !== "") throw invalidSpec(spec);
  checkVolumeName(source);
  const noCopy = mode.split(",").includes("nocopy");
  return {
    type: "volume",
    name: source,
    destination: checkDestination("volume", target),
    rw,
    mode,
    ...(noCopy ? { noCopy } : {}),
  };
}

/** One HostConfig.Mounts entry (`--mount`). */
export function parseMount(m: MountJSON): MountRequest {
  const kind = m.Type ?? "";
  const target = m.Target ?? "";
  switch (kind) {
    case "bind": {
      const source = m.Source ?? "";
      if (source === "")
        throw new InvalidParameterError(
          `invalid mount config for type "bind": field Source must not be empty`,
        );
      if (!isAbsolute(source)) {
        throw new InvalidParameterError(
          `invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`,
        );
      }
      if (m.VolumeOptions !== undefined) {
        throw new InvalidParameterError(
          `invalid mount config for type "bind": field VolumeOptions must not be specified`,
        );
      }
      const propagation = m.BindOptions?.Propagation ?? "";
      if (propagation !== "" && !PROPAGATIONS.has(propagation)) {
        throw new InvalidParameterError(
          `invalid mount config for type "bind": invalid propagation mode: ${propagation}`,
        );
      }
      return {
        type: "bind",
        source: posix.normalize(source),
        destination: checkDestination("bind", target),
        rw: m.ReadOnly !== true,
        mode: "",
        propagation: propagation === "" ? "rprivate" : propagation,
        mustExist: m.BindOptions?.CreateMountpoint !== true,
      };
    }
    case "volume": {
      const name = m.Source ?? "";
      const destination = checkDestination("volume", target);
      if (name !== "") checkVolumeName(name);
      if (m.BindOptions !== undefined) {
        throw new InvalidParameterError(
          `invalid mount config for type "volume": field BindOptions must not be specified`,
        );
      }
      const labels = m.VolumeOptions?.Labels;
      return {
        type: "volume",
        name: name === "" ? undefined : name,
        destination,
        rw: m.ReadOnly !== true,
        mode: "",
        ...(labels ? { labels } : {}),
        ...(m.VolumeOptions?.NoCopy === true ? { noCopy: true } : {}),
      };
    }
    case "tmpfs": {
      if ((m.Source ?? "") !== "") {
        throw new InvalidParameterError(
          `invalid mount config for type "tmpfs": field Source must not be specified`,
        );
      }
      const options: string[] = [];
      if (m.ReadOnly === true) options.push("ro");
      if (m.TmpfsOptions?.SizeBytes !== undefined && m.TmpfsOptions.SizeBytes > 0)
        options.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode !== undefined) options.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      return { type: "tmpfs", destination: checkDestination("tmpfs", target), options };
    }
    default:
      throw new InvalidParameterError(`invalid mount config for type "${kind}": mount type unknown`);
  }
}

/**
 * Every mount of a new container, in Docker's order of precedence: Binds and Mounts first
 * (a clash between them is `Duplicate mount point`), then tmpfs, then image VOLUMEs not
 * already covered, each as an anonymous volume.
 */
export function collectMounts(hc: HostConfig, imageVolumes: readonly string[]): MountRequest[] {
  const out: MountRequest[] = [];
  const seen = new Set<string>();
  const add = (m: MountRequest): void => {
    if (seen.has(m.destination)) throw new InvalidParameterError(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
    out.push(m);
  };
  for (const b of hc.Binds ?? []) add(parseBind(b));
  for (const m of hc.Mounts ?? []) add(parseMount(m));
  for (const [dest, opts] of Object.entries(hc.Tmpfs ?? {})) {
    add({
      type: "tmpfs",
      destination: checkDestination("tmpfs", dest),
      options: opts === "" ? [] : opts.split(","),
    });
  }
  for (const v of imageVolumes) {
    const dest = checkDestination("volume", v);
    if (seen.has(dest)) continue;
    seen.add(dest);
    out.push({ type: "volume", name: undefined, destination: dest, rw: true, mode: "" });
  }
  return out;
}
