// NetworkManager: Docker's default bridge network done with the standard CNI plugins.
// attach = new netns with lo up → bridge+host-local → portmap when ports are published;
// detach = netns removed → DEL in reverse order with the persisted result → ports freed.
// Everything detach needs is persisted first, so it works after a crash or a restart.
import { mkdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Logger } from "pino";
import { parseSubnet, type BridgeNetwork } from "./chain.js";
import { CniPlugins, DEFAULT_PLUGIN_DIRS } from "./cni.js";
import { rewriteHosts, writeContainerFiles, type ContainerFilePaths } from "./container-files.js";
import { InvalidNetworkRequestError } from "./errors.js";
import { findTool } from "./exec.js";
import { bridgeRules, deleteBridge, enableIpForward, ensureRules, removeRules } from "./host-setup.js";
import { NetnsDir, removeNetns } from "./netns.js";
import { PortReservations } from "./ports.js";
import { AttachmentStore, assertContainerId, type AttachmentRecord } from "./state.js";
import type { NetworkAttachment, NetworkMode, PortBinding } from "./types.js";
import { attachFresh } from "./attach-fresh.js";
import { undoAttachment } from "./teardown.js";
import { claimWarm, cniId, dropWarm, isWarm, makeWarm, type WarmDeps } from "./warm-attach.js";
import { WarmPool } from "./warm-pool.js";

export type { NetworkAttachment, NetworkMode, PortBinding, PortProtocol } from "./types.js";

export interface NetworkManagerOptions {
  /** DATA/net: attachment records and host-local's IP leases. */
  stateDir: string;
  /** Namespaces live in EXEC_ROOT/netns/<container id>. */
  execRoot: string;
  /** Linux bridge name (at most 15 characters), e.g. skiff0. */
  bridgeName: string;
  /** IPv4 CIDR, e.g. 10.89.0.0/16; the gateway is its first address. */
  subnet: string;
  pluginDirs?: string[];
  /**
   * Bridge attachments kept ready (namespace, lo, eth0 and IP) for the next attaches, made
   * while attaches are quiet; default 2, 0 for none.
   */
  warm?: number;
  logger: Logger;
}

export interface AttachOptions {
  mode: NetworkMode;
  ports: PortBinding[];
  /** Docker's endpoint name in port errors (the container's name); defaults to the short id. */
  endpointName?: string;
  /**
   * Called once the container's namespace exists (bridge and none), before the plugins have
   * configured it: a runtime may create the container in it while ADD runs, as long as the
   * container's process starts only after attach has resolved.
   */
  onNamespace?: (netnsPath: string) => void;
}

const BRIDGE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export class NetworkManager {
  readonly #network: BridgeNetwork;
  readonly #plugins: CniPlugins;
  readonly #netns: NetnsDir;
  readonly #store: AttachmentStore;
  readonly #ports = new PortReservations();
  readonly #log: Logger;
  readonly #locks = new Map<string, Promise<unknown>>();
  /** iproute2's `ip`, which brings a new namespace's loopback up (else the loopback plugin does). */
  readonly #ipTool = findTool("ip");
  readonly #warm: WarmPool<AttachmentRecord>;

  private constructor(o: {
    network: BridgeNetwork;
    plugins: CniPlugins;
    netns: NetnsDir;
    store: AttachmentStore;
    warm: number;
    logger: Logger;
  }) {
    this.#network = o.network;
    this.#plugins = o.plugins;
    this.#netns = o.netns;
    this.#store = o.store;
    this.#log = o.logger;
    this.#warm = new WarmPool({
      size: this.#ipTool === undefined ? 0 : o.warm,
      make: () => makeWarm(this.#warmDeps()),
      release: (r) => this.#undo(r),
      logger: o.logger,
    });
  }

  static async open(o: NetworkManagerOptions): Promise<NetworkManager> {
    if (!BRIDGE_NAME.test(o.bridgeName)) {
      throw new Error(
        `invalid bridge name ${JSON.stringify(o.bridgeName)}: 1-15 characters of [A-Za-z0-9_.-]`,
      );
    }
    parseSubnet(o.subnet);
    const plugins = new CniPlugins(o.pluginDirs ?? DEFAULT_PLUGIN_DIRS);
    for (const type of ["bridge", "host-local", "loopback", "portmap"]) plugins.locate(type);
    const ipamDir = join(o.stateDir, "ipam");
    await mkdir(ipamDir, { recursive: true, mode: 0o700 });
    const store = await AttachmentStore.open(join(o.stateDir, "containers"));
    await enableIpForward();
    await ensureRules(bridgeRules(o.bridgeName, o.subnet));
    const manager = new NetworkManager({
      network: { name: o.bridgeName, bridge: o.bridgeName, subnet: o.subnet, ipamDir },
      plugins,
      netns: new NetnsDir(join(o.execRoot, "netns")),
      store,
      warm: o.warm ?? 2,
      logger: o.logger,
    });
    const records = await dropWarm(manager.#warmDeps(), await store.list(), o.logger);
    // Ports of containers attached by an earlier process stay taken; restore() binds them again.
    for (const r of records) manager.#ports.claim(r.containerId, r.attachment.ports);
    const netnsNames = records.map((r) => basename(r.attachment.netnsPath ?? r.containerId));
    await manager.#sweep(new Set([...records.map((r) => r.containerId), ...netnsNames]));
    manager.#warm.schedule();
    return manager;
  }

  /** The bridge's gateway address (the host's address on the container network). */
  get gateway(): string {
    return parseSubnet(this.#network.subnet).gateway;
  }

  /**
   * Gives the container its network: host (nothing to do), none (a namespace with only
   * loopback) or bridge (an IP on the bridge, published ports). All or nothing: on failure
   * everything done so far is undone. A stale attachment of the same id is detached first.
   */
  attach(containerId: string, o: AttachOptions): Promise<NetworkAttachment> {
    assertContainerId(containerId);
    return this.#serial(containerId, async () => {
      if (o.mode === "host") return { mode: "host", ports: [] };
      if (o.mode !== "bridge" && o.mode !== "none") {
        throw new InvalidNetworkRequestError(`network mode ${JSON.stringify(o.mode)} is not supported`);
      }
      if ((await this.#store.get(containerId)) !== undefined) await this.#detach(containerId);
      return this.#attach(containerId, o);
    });
  }

  /** Undoes attach; idempotent, and works after a restart from the persisted record. */
  detach(containerId: string): Promise<void> {
    assertContainerId(containerId);
    return this.#serial(containerId, () => this.#detach(containerId));
  }

  /** After a server restart, for a container still running: binds its published ports again. */
  restore(containerId: string, a: NetworkAttachment): Promise<void> {
    assertContainerId(containerId);
    return this.#serial(containerId, async () => {
      if (a.mode !== "bridge" || a.ports.length === 0) return;
      const record = await this.#store.get(containerId);
      if (record === undefined) this.#ports.claim(containerId, a.ports);
      for (const f of await this.#ports.rebind(containerId)) {
        this.#log.warn(
          { containerId, binding: f.binding, err: f.error.message },
          "could not bind a published port again",
        );
      }
      if (a.ip !== undefined) this.#ports.setTarget(containerId, { ip: a.ip });
    });
  }

  /**
   * Tells the manager about work in flight that preparing warm attachments would slow down
   * (a container start): they are prepared only once no such work is in flight.
   */
  busy(work: Promise<unknown>): void {
    this.#warm.hold(work);
  }

  writeContainerFiles(
    dir: string,
    o: { hostname: string; domainname?: string; attachment: NetworkAttachment },
  ): Promise<ContainerFilePaths> {
    return writeContainerFiles(dir, o);
  }

  /**
   * Rewrites the hosts file written by writeContainerFiles in place (the container's bind
   * mount keeps the inode), once the attachment's address is known.
   */
  rewriteHosts(
    path: string,
    o: { hostname: string; domainname?: string; attachment: NetworkAttachment },
  ): Promise<void> {
    return rewriteHosts(path, o);
  }

  /** The persisted attachment of `containerId` (what attach answered), or undefined. */
  async attachment(containerId: string): Promise<NetworkAttachment | undefined> {
    assertContainerId(containerId);
    await this.#locks.get(containerId);
    return (await this.#store.get(containerId))?.attachment;
  }

  /** Containers with a persisted attachment (to reconcile with the runtime's own records). */
  async attached(): Promise<string[]> {
    return (await this.#store.list()).filter((r) => !isWarm(r)).map((r) => r.containerId);
  }

  /**
   * Stops the in-process parts (port sockets) and releases the warm attachments no container
   * took; containers keep their network.
   */
  async close(): Promise<void> {
    await Promise.allSettled(this.#locks.values());
    await this.#warm.close();
    this.#ports.closeAll();
  }

  /** Deletes the bridge, its host rules and IP leases (tests; a reset). Detach containers first. */
  async removeNetwork(): Promise<void> {
    await deleteBridge(this.#network.bridge);
    await removeRules(bridgeRules(this.#network.bridge, this.#network.subnet));
    await rm(join(this.#network.ipamDir, this.#network.name), { recursive: true, force: true });
  }

  async #attach(containerId: string, o: AttachOptions): Promise<NetworkAttachment> {
    const started = performance.now();
    const endpoint = o.endpointName ?? containerId.slice(0, 12);
    const bridged = o.mode === "bridge";
    const ports = bridged ? await this.#ports.reserve(containerId, endpoint, o.ports) : [];
    const warm = bridged ? this.#warm.take() : undefined;
    if (warm !== undefined) {
      const claimed = await claimWarm(this.#warmDeps(), warm, {
        containerId,
        endpoint,
        ports,
        ...(o.onNamespace === undefined ? {} : { onNamespace: o.onNamespace }),
      });
      this.#log.debug(
        { containerId, mode: o.mode, warm: cniId(warm), ms: Math.round(performance.now() - started) },
        "network attached",
      );
      return claimed;
    }
    const onUndoError = (err: unknown): void =>
      this.#log.error({ containerId, err: String(err) }, "could not undo a failed network attach");
    const attachment = await attachFresh(
      { ...this.#warmDeps(), onUndoError },
      { ...o, containerId, endpoint, ports },
    );
    this.#log.debug(
      { containerId, mode: o.mode, ms: Math.round(performance.now() - started) },
      "network attached",
    );
    return attachment;
  }

  async #detach(containerId: string): Promise<void> {
    const started = performance.now();
    const record = await this.#store.get(containerId);
    if (record === undefined) {
      // Nothing persisted: at most a namespace from before a crash, or ports of a restore.
      this.#ports.release(containerId);
      await removeNetns(this.#netns.pathOf(containerId));
      return;
    }
    await this.#undo(record);
    this.#log.debug({ containerId, ms: Math.round(performance.now() - started) }, "network detached");
  }

  #undo(record: AttachmentRecord): Promise<void> {
    return undoAttachment(
      { plugins: this.#plugins, ports: this.#ports, store: this.#store, logger: this.#log },
      record,
    );
  }

  #warmDeps(): WarmDeps {
    return {
      network: this.#network,
      plugins: this.#plugins,
      netns: this.#netns,
      store: this.#store,
      ports: this.#ports,
      ipTool: this.#ipTool,
      undo: (r) => this.#undo(r),
    };
  }

  /** Removes namespaces no record knows: a crash between creating one and recording it. */
  async #sweep(known: Set<string>): Promise<void> {
    for (const name of await this.#netns.list()) {
      if (known.has(name)) continue;
      this.#log.info({ netns: name }, "removing a network namespace left by a crash");
      await removeNetns(this.#netns.pathOf(name)).catch((err: unknown) =>
        this.#log.warn({ netns: name, err: String(err) }, "could not remove a stale network namespace"),
      );
    }
  }

  /** Runs `fn` after any earlier operation on the same container. */
  #serial<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(containerId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.#locks.set(containerId, settled);
    void settled.then(() => {
      if (this.#locks.get(containerId) === settled) this.#locks.delete(containerId);
    });
    return next;
  }
}
