// The attach that makes everything itself (no warm attachment at hand, or mode none): the
// record persisted first, the namespace with lo up, then the chain's ADD; all or nothing.
import { addChain } from "./chain-run.js";
import { bridgePlugin, containerAddress, loopbackPlugin, portmapPlugin } from "./chain.js";
import type { AttachmentRecord } from "./state.js";
import type { NetworkAttachment, NetworkMode, PortBinding } from "./types.js";
import type { WarmDeps } from "./warm-attach.js";

export async function attachFresh(
  d: WarmDeps & { onUndoError: (err: unknown) => void },
  o: {
    containerId: string;
    endpoint: string;
    mode: NetworkMode;
    /** Reserved already (bridge); none for mode none. */
    ports: PortBinding[];
    onNamespace?: (netnsPath: string) => void;
  },
): Promise<NetworkAttachment> {
  const { containerId, ports } = o;
  const chain = o.mode === "bridge" ? [bridgePlugin(d.network)] : [];
  if (ports.length > 0) chain.push(portmapPlugin(d.network, ports));
  const netnsPath = d.netns.pathOf(containerId);
  const record: AttachmentRecord = {
    version: 1,
    containerId,
    endpoint: o.endpoint,
    attachment: { mode: o.mode, netnsPath, ports },
    chain,
    loopback: true,
  };
  try {
    // Persisted before anything exists, so a crash at any later point leaves what detach needs.
    const ipTool = d.ipTool;
    await Promise.all([d.store.put(record), d.netns.create(containerId, { ipTool })]);
    o.onNamespace?.(netnsPath);
    const lo = { containerId, netns: netnsPath, ifName: "lo", config: loopbackPlugin() };
    const eth0 = { containerId, netns: netnsPath, ifName: "eth0", chain };
    // Both settle before any undo, so that no ADD still runs while DEL cleans up. The
    // loopback plugin runs only when `ip` could not bring lo up with the namespace.
    const [loDone, eth0Done] = await Promise.allSettled([
      ipTool === undefined ? d.plugins.invoke({ command: "ADD", ...lo }) : Promise.resolve(undefined),
      addChain(d.plugins, eth0, (r) => (record.result = r)),
    ]);
    if (loDone.status === "rejected") throw loDone.reason;
    if (eth0Done.status === "rejected") throw eth0Done.reason;
    const result = eth0Done.value;
    if (result !== undefined) {
      const addr = containerAddress(result);
      if (addr === undefined) throw new Error("the bridge plugin returned no IPv4 address");
      record.attachment = { ...record.attachment, ...addr };
      await d.store.put(record);
      d.ports.setTarget(containerId, { ip: addr.ip });
    }
  } catch (err) {
    await d.undo(record).catch(d.onUndoError);
    throw err;
  }
  return record.attachment;
}
