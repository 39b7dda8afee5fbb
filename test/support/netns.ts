// A network namespace joined to the host by a veth pair (a /30 that no route uses yet), as a
// second machine for multi-node tests: the host end is reachable from inside and vice versa.
import { run, runOk } from "./tools.js";

export interface LinkedNetns {
  readonly name: string;
  /** /run/netns/NAME, for `nsenter --net=`. */
  readonly path: string;
  /** The host's address on the link. */
  readonly hostIp: string;
  /** The namespace's address on the link (its default route goes to hostIp). */
  readonly nsIp: string;
  /** Kills every process still inside, then deletes the namespace and the link. */
  remove(): Promise<void>;
}

async function freeSlash30(seed: number): Promise<number> {
  const routes = (await runOk("ip", ["-4", "route", "show"])).stdout;
  for (let i = 0; i < 250; i++) {
    const k = (seed + i) % 250;
    if (!routes.includes(`10.199.${k}.`)) return k;
  }
  throw new Error("no free 10.199.N.0/30 for a test link");
}

export async function createLinkedNetns(tag: string): Promise<LinkedNetns> {
  const k = await freeSlash30(process.pid);
  const name = `sk${tag}${process.pid % 100000}`;
  const hostIf = `${name}h`.slice(0, 15);
  const hostIp = `10.199.${k}.1`;
  const nsIp = `10.199.${k}.2`;
  await runOk("ip", ["netns", "add", name]);
  const inNs = (args: string[]) => runOk("ip", ["-n", name, ...args]);
  try {
    await runOk("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", name]);
    await runOk("ip", ["addr", "add", `${hostIp}/30`, "dev", hostIf]);
    await runOk("ip", ["link", "set", hostIf, "up"]);
    await inNs(["addr", "add", `${nsIp}/30`, "dev", "eth0"]);
    await inNs(["link", "set", "eth0", "up"]);
    await inNs(["link", "set", "lo", "up"]);
    await inNs(["route", "add", "default", "via", hostIp]);
  } catch (err) {
    await run("ip", ["netns", "del", name]);
    await run("ip", ["link", "del", hostIf]);
    throw err;
  }
  return {
    name,
    path: `/run/netns/${name}`,
    hostIp,
    nsIp,
    async remove() {
      const pids = (await run("ip", ["netns", "pids", name])).stdout.split("\n").filter(Boolean);
      if (pids.length > 0) await run("kill", ["-9", ...pids]);
      await run("ip", ["netns", "del", name]);
      await run("ip", ["link", "del", hostIf]);
    },
  };
}
