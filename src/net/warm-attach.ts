// Warm bridge attachments: a namespace with lo up and eth0 on the bridge (its IP leased under
// a `warm-…` CNI container ID), made before any container asks, and handed to the next
// bridge attach, which then only adds portmap when ports are published. The lease and the
// namespace keep the warm ID for their whole life: DEL runs with it (record.cniContainerId).
// A claim writes the container's record before it deletes the warm one, so after a crash
// the namespace always has an owner on disk (open() drops warm records a container claimed).
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { addChain } from "./chain-run.js";
import {
  bridgePlugin,
  containerAddress,
  portmapPlugin,
  withPrevResult,
  type BridgeNetwork,
} from "./chain.js";
import type { CniPlugins } from "./cni.js";
import type { NetnsDir } from "./netns.js";
import type { PortReservations } from "./ports.js";
import type { AttachmentRecord, AttachmentStore } from "./state.js";
import type { NetworkAttachment, PortBinding } from "./types.js";

export interface WarmDeps {
  network: BridgeNetwork;
  plugins: CniPlugins;
  netns: NetnsDir;
  store: AttachmentStore;
  ports: PortReservations;
  ipTool: string | undefined;
  /** Undoes a record (DEL, namespace removed, ports freed, record deleted). */
  undo: (record: AttachmentRecord) => Promise<void>;
}

export const WARM_PREFIX = "warm-";

/** Whether a persisted record is an unclaimed warm attachment. */
export function isWarm(r: AttachmentRecord): boolean {
  return r.containerId.startsWith(WARM_PREFIX);
}

/** The container ID the plugins know the attachment by. */
export function cniId(r: AttachmentRecord): string {
  return r.cniContainerId ?? r.containerId;
}

/** Makes one warm attachment: persisted first, then namespace (lo up), then bridge ADD. */
export async function makeWarm(d: WarmDeps): Promise<AttachmentRecord> {
  const id = `${WARM_PREFIX}${randomBytes(12).toString("hex")}`;
  const netnsPath = d.netns.pathOf(id);
  const record: AttachmentRecord = {
    version: 1,
    containerId: id,
    endpoint: id,
    attachment: { mode: "bridge", netnsPath, ports: [] },
    chain: [bridgePlugin(d.network)],
    loopback: true,
  };
  try {
    // lo comes up with the namespace only through `ip`; without it the attach path is used.
    if (d.ipTool === undefined) throw new Error("warm attachments need iproute2's ip");
    await Promise.all([d.store.put(record), d.netns.create(id, { ipTool: d.ipTool })]);
    const result = await addChain(
      d.plugins,
      { containerId: id, netns: netnsPath, ifName: "eth0", chain: record.chain },
      (r) => (record.result = r),
    );
    const addr = result === undefined ? undefined : containerAddress(result);
    if (addr === undefined) throw new Error("the bridge plugin returned no IPv4 address");
    record.attachment = { ...record.attachment, ...addr };
    await d.store.put(record);
    return record;
  } catch (err) {
    await d.undo(record).catch(() => undefined);
    throw err;
  }
}

/**
 * Hands warm attachment `warm` to `containerId`, adding portmap for `ports` (already
 * reserved). All or nothing: on failure the container's record is undone (the warm one is
 * gone by then) and the error thrown.
 */
export async function claimWarm(
  d: WarmDeps,
  warm: AttachmentRecord,
  o: { containerId: string; endpoint: string; ports: PortBinding[]; onNamespace?: (p: string) => void },
): Promise<NetworkAttachment> {
  const netnsPath = warm.attachment.netnsPath ?? "";
  const record: AttachmentRecord = {
    ...warm,
    containerId: o.containerId,
    endpoint: o.endpoint,
    cniContainerId: cniId(warm),
    attachment: { ...warm.attachment, ports: o.ports },
    chain: o.ports.length > 0 ? [...warm.chain, portmapPlugin(d.network, o.ports)] : warm.chain,
  };
  // The container's record owns the namespace and lease from here; then the warm one goes.
  await d.store.put(record);
  await d.store.delete(warm.containerId);
  o.onNamespace?.(netnsPath);
  try {
    const portmap = record.chain[warm.chain.length];
    if (portmap !== undefined) {
      record.result = await d.plugins.invoke({
        command: "ADD",
        containerId: cniId(record),
        netns: netnsPath,
        ifName: "eth0",
        config: withPrevResult(portmap, warm.result),
      });
      await d.store.put(record);
    }
  } catch (err) {
    await d.undo(record).catch(() => undefined);
    throw err;
  }
  if (record.attachment.ip !== undefined) d.ports.setTarget(o.containerId, { ip: record.attachment.ip });
  return record.attachment;
}

/**
 * Warm attachments left by an earlier process: released, or only their record deleted when
 * a container's record had already claimed them (a crash in the middle of a claim).
 * Returns the other records.
 */
export async function dropWarm(
  d: WarmDeps,
  records: AttachmentRecord[],
  logger: Logger,
): Promise<AttachmentRecord[]> {
  const claimed = new Set(records.filter((r) => !isWarm(r)).map(cniId));
  for (const r of records.filter(isWarm)) {
    const drop = claimed.has(r.containerId) ? d.store.delete(r.containerId) : d.undo(r);
    await drop.catch((err: unknown) =>
      logger.warn({ warm: r.containerId, err: String(err) }, "could not release a warm attachment"),
    );
  }
  return records.filter((r) => !isWarm(r));
}
