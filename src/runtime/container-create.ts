// docker create: look the image up, plan (create-options.ts), reserve the name, check mount
// sources, make the volumes it needs, then the root filesystem and the record's directory (at
// once), and the record. The record is written last, so a container exists only once
// everything it needs does; any failure undoes what was made, in reverse.
import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { availableParallelism, hostname } from "node:os";
import { ContainerEntry, type ContainerContext } from "./container-context.js";
import type { ContainerImage } from "./container-deps.js";
import { InvalidParameterError, nameConflict } from "./container-errors.js";
import {
  makeRecordDir,
  removeRecordDir,
  saveRecord,
  type ContainerRecord,
  type MountSpec,
} from "./container-record.js";
import type { MountRequest } from "./create-options-mounts.js";
import { planCreate } from "./create-options.js";
import type { ContainerCreateBody, ContainerCreateResponse } from "./docker-api-types.js";
import { randomContainerName, validateContainerName } from "./names.js";
import { hostPlatform } from "./container-platform.js";

/** 64 hex characters whose 12-character short form is not all digits (Docker avoids those). */
export function newContainerId(taken: (id: string) => boolean): string {
  for (;;) {
    const id = randomBytes(32).toString("hex");
    if (/^[0-9]+$/.test(id.slice(0, 12)) || taken(id)) continue;
    return id;
  }
}

type Undo = () => Promise<unknown>;

async function resolveMounts<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  requests: MountRequest[],
  undo: Undo[],
): Promise<MountSpec[]> {
  const out: MountSpec[] = [];
  for (const m of requests) {
    switch (m.type) {
      case "bind":
        if (m.mustExist) {
          const exists = await stat(m.source).then(
            () => true,
            () => false,
          );
          if (!exists) {
            throw new InvalidParameterError(
              `invalid mount config for type "bind": bind source path does not exist: ${m.source}`,
            );
          }
        }
        out.push({
          type: "bind",
          source: m.source,
          destination: m.destination,
          rw: m.rw,
          mode: m.mode,
          propagation: m.propagation,
        });
        break;
      case "volume": {
        const volumes = ctx.deps.volumes;
        const anonymous = m.name === undefined;
        const name = m.name ?? randomBytes(32).toString("hex");
        let existed = false;
        if (!anonymous) {
          try {
            volumes.get(name);
            existed = true;
          } catch {
            existed = false;
          }
        }
        const labels = anonymous ? { "com.docker.volume.anonymous": "", ...(m.labels ?? {}) } : m.labels;
        const vol = await volumes.create({ name, ...(labels ? { labels } : {}) });
        if (!existed) undo.push(() => volumes.remove(name, { force: true, inUseBy: [] }));
        out.push({
          type: "volume",
          name: vol.Name,
          ...(anonymous ? { anonymous: true } : {}),
          source: vol.Mountpoint,
          destination: m.destination,
          rw: m.rw,
          mode: m.mode,
          propagation: "",
          ...(m.noCopy === true ? { noCopy: true } : {}),
        });
        break;
      }
      case "tmpfs":
        out.push({
          type: "tmpfs",
          source: "",
          destination: m.destination,
          rw: !m.options.includes("ro"),
          mode: "",
          propagation: "",
          tmpfsOptions: m.options,
        });
        break;
    }
  }
  return out;
}

export async function createContainer<I extends ContainerImage>(
  ctx: ContainerContext<I>,
  body: ContainerCreateBody,
  o: { name?: string; platform?: string },
): Promise<ContainerCreateResponse> {
  if (body === null || typeof body !== "object") {
    throw new InvalidParameterError("Config cannot be empty in order to create a container");
  }
  const imageRef = body.Image ?? "";
  if (imageRef === "") throw new InvalidParameterError("invalid reference format");
  const image = ctx.deps.images.get(imageRef);
  const name =
    o.name !== undefined && o.name !== ""
      ? validateContainerName(o.name)
      : randomContainerName((n) => ctx.names.has(n));
  const holder = ctx.names.get(name);
  if (holder !== undefined) throw nameConflict(name, holder);
  const id = newContainerId((candidate) => ctx.entries.has(candidate));
  const platform = o.platform ?? body.Platform ?? "";
  const plan = planCreate(body, image, {
    id,
    hostPlatform: hostPlatform(),
    hostCpus: availableParallelism(),
    hostHostname: hostname(),
    platformRequested: platform !== "",
  });

  ctx.names.set(name, id); // reserved while we work: a concurrent create with this name gets 409
  const undo: Undo[] = [];
  try {
    const mounts = await resolveMounts(ctx, plan.mounts, undo);
    // The root filesystem and the record's directory are made at once; the record is written
    // once both exist.
    const [rootfs, dir] = await Promise.allSettled([
      ctx.deps.rootfs.create(id, image),
      makeRecordDir(ctx.deps.root, id),
    ]);
    if (rootfs.status === "fulfilled") undo.push(() => ctx.deps.rootfs.remove(id));
    undo.push(() => removeRecordDir(ctx.deps.root, id));
    if (rootfs.status === "rejected") throw rootfs.reason;
    if (dir.status === "rejected") throw dir.reason;
    // Mounted now, in the background, while the record is written: `docker run` sends start
    // right after, and the start then finds the rootfs ready (mount is idempotent and
    // serialised per snapshot). A failure here is met again, and reported, by the start; an
    // undo, or recovery of a directory left without its record, unmounts it with the snapshot.
    void ctx.deps.rootfs
      .mount(id)
      .catch((err: unknown) => ctx.logger.debug({ id, err }, "early rootfs mount failed"));
    const rec: ContainerRecord = {
      version: 1,
      id,
      name,
      created: ctx.nowIso(),
      imageRef,
      imageId: image.id,
      platform: [image.config.os ?? "linux", image.config.architecture ?? ""].filter(Boolean).join("/"),
      path: plan.path,
      args: plan.args,
      config: plan.config,
      hostConfig: plan.hostConfig,
      ports: plan.ports,
      mounts,
      state: {
        status: "created",
        pid: 0,
        exitCode: 0,
        oomKilled: false,
        error: "",
        startedAt: "",
        finishedAt: "",
      },
      restartCount: 0,
      manuallyStopped: false,
    };
    await Promise.all([dir.value.syncRoot(), saveRecord(ctx.deps.root, rec)]);
    const entry = new ContainerEntry(ctx.deps.root, rec);
    entry.released = true; // it never ran: nothing to take down
    ctx.add(entry);
    ctx.logger.info({ id, name, image: imageRef }, "container created");
    return { Id: id, Warnings: plan.warnings };
  } catch (err) {
    if (ctx.names.get(name) === id) ctx.names.delete(name);
    for (const step of undo.reverse()) {
      await step().catch((e: unknown) => ctx.logger.warn({ id, err: e }, "undo of a failed create failed"));
    }
    throw err;
  }
}
