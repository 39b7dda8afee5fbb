// How `skiff agent` learns whom to trust and what to call itself: the API server's CA (a PEM
// file, or cluster-info pinned by --ca-cert-hash) and the node address other machines reach.
import { createSocket } from "node:dgram";
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { JoinDiscoveryError, discoverClusterCa } from "../../api/client/join-discovery.js";
import { CliError } from "../admin-client.js";

/** The CA of the API server: read from `caFile`, or discovered and checked against `caCertHash`. */
export async function trustedCa(o: {
  server: string;
  caFile?: string;
  caCertHash?: string;
}): Promise<string> {
  if (o.caFile !== undefined) {
    try {
      return await readFile(o.caFile, "utf8");
    } catch (err) {
      throw new CliError(`cannot read --ca-file ${o.caFile}: ${(err as Error).message}`);
    }
  }
  if (o.caCertHash === undefined) {
    throw new CliError(
      "the agent needs to know the server's CA: pass --ca-cert-hash sha256:<hex> (printed by `skiff token create`) or --ca-file",
    );
  }
  if (!/^(sha256:)?[0-9a-fA-F]{64}$/.test(o.caCertHash)) {
    throw new CliError(
      `--ca-cert-hash: expected sha256:<64 hex digits>, got ${JSON.stringify(o.caCertHash)}`,
    );
  }
  try {
    return await discoverClusterCa({ server: o.server, caCertHash: o.caCertHash, timeoutMs: 15_000 });
  } catch (err) {
    if (err instanceof JoinDiscoveryError) throw new CliError(err.message);
    throw err;
  }
}

/** The local address this machine uses to reach `server` (no packet is sent), else undefined. */
export async function localAddressToward(server: string): Promise<string | undefined> {
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host) === 6 ? "udp6" : "udp4";
  if (isIP(host) === 0) return undefined;
  const socket = createSocket(family);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(Number(url.port || 443), host, () => resolve());
    });
    return socket.address().address;
  } catch {
    return undefined;
  } finally {
    socket.close();
  }
}
