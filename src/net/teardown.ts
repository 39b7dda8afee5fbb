// Undoing one attachment from its persisted record (detach, a failed attach, a warm one given
// back): namespace removed, plugins' DEL, ports freed, record deleted. Works after a restart.
import type { Logger } from "pino";
import { delChain } from "./chain-run.js";
import type { CniPlugins } from "./cni.js";
import { removeNetns } from "./netns.js";
import type { PortReservations } from "./ports.js";
import type { AttachmentRecord, AttachmentStore } from "./state.js";

/**
 * Removes the namespace while DEL runs in reverse order with the cached result and no
 * namespace (CNI_NETNS=""), then frees the ports and the record. The kernel deletes the
 * namespace's interfaces with it, so the bridge plugin only releases the IP and skips
 * deleting the veth inside the namespace: half of DEL's cost (measured). The loopback
 * plugin's DEL is skipped: there is nothing left for it to do. DEL runs with the ID ADD ran
 * with (a claimed warm attachment's).
 */
export async function undoAttachment(
  d: { plugins: CniPlugins; ports: PortReservations; store: AttachmentStore; logger: Logger },
  record: AttachmentRecord,
): Promise<void> {
  const { containerId } = record;
  const netnsPath = record.attachment.netnsPath;
  // DEL without a namespace does not touch it, so both run at once.
  const timed = async <T>(p: Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    return [await p, Math.round(performance.now() - t)];
  };
  const cniContainerId = record.cniContainerId ?? containerId;
  const [[, netnsMs], [errors, delMs]] = await Promise.all([
    timed(netnsPath === undefined ? Promise.resolve() : removeNetns(netnsPath)),
    timed(
      delChain(
        d.plugins,
        { containerId: cniContainerId, netns: "", ifName: "eth0", chain: record.chain },
        record.result,
      ),
    ),
  ]);
  d.logger.debug({ containerId, netnsMs, delMs }, "network teardown");
  d.ports.release(containerId);
  if (errors.length > 0) {
    // Keep the record so that a later detach runs DEL again (plugins' DEL is idempotent).
    await d.store.put({ ...record, attachment: { ...record.attachment, netnsPath: undefined } });
    throw new Error(`network detach of ${containerId}: ${errors.join("; ")}`);
  }
  await d.store.delete(containerId);
}
