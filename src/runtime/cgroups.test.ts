import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseNetDev, readStats } from "./cgroups.js";

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
  eth0:    5000      40    1    2    0     0          0         0     3000      30    3    4    0     0       0          0
`;

describe("parseNetDev", () => {
  it("reads interface counters without loopback", () => {
    expect(parseNetDev(NET_DEV)).toEqual({
      eth0: {
        rx_bytes: 5000,
        rx_packets: 40,
        rx_errors: 1,
        rx_dropped: 2,
        tx_bytes: 3000,
        tx_packets: 30,
        tx_errors: 3,
        tx_dropped: 4,
      },
    });
  });
});

describe("readStats on a cgroup v1 layout", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-cg-"));
    const files: Record<string, string> = {
      "memory/skiff/c1/memory.usage_in_bytes": "1048576\n",
      "memory/skiff/c1/memory.max_usage_in_bytes": "2097152\n",
      "memory/skiff/c1/memory.limit_in_bytes": "33554432\n",
      "memory/skiff/c1/memory.failcnt": "0\n",
      "memory/skiff/c1/memory.stat": "cache 4096\nrss 8192\ntotal_inactive_file 4096\n",
      "cpuacct/skiff/c1/cpuacct.usage": "123456789\n",
      "cpuacct/skiff/c1/cpuacct.usage_percpu": "100000000 23456789 \n",
      "cpuacct/skiff/c1/cpuacct.stat": "user 10\nsystem 2\n",
      "cpu/skiff/c1/cpu.stat": "nr_periods 5\nnr_throttled 1\nthrottled_time 777\n",
      "pids/skiff/c1/pids.current": "3\n",
      "pids/skiff/c1/pids.max": "max\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(join(root, rel, ".."), { recursive: true });
      await writeFile(join(root, rel), text);
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("maps memory, cpu and pids into Docker's stats shape", async () => {
    const s = await readStats("/skiff/c1", { root, id: "c1", name: "/web" });
    expect(s.id).toBe("c1");
    expect(s.name).toBe("/web");
    expect(s.preread).toBe("0001-01-01T00:00:00Z");
    expect(s.memory_stats).toEqual({
      usage: 1048576,
      max_usage: 2097152,
      limit: 33554432,
      failcnt: 0,
      stats: { cache: 4096, rss: 8192, total_inactive_file: 4096 },
    });
    expect(s.cpu_stats.cpu_usage).toEqual({
      total_usage: 123456789,
      percpu_usage: [100000000, 23456789],
      usage_in_usermode: 100_000_000,
      usage_in_kernelmode: 20_000_000,
    });
    expect(s.cpu_stats.throttling_data).toEqual({ periods: 5, throttled_periods: 1, throttled_time: 777 });
    expect(s.cpu_stats.system_cpu_usage).toBeGreaterThan(0);
    expect(s.pids_stats).toEqual({ current: 3 });
    expect(s.networks).toBeUndefined();
    const next = await readStats("/skiff/c1", { root, previous: s });
    expect(next.precpu_stats).toEqual(s.cpu_stats);
    expect(next.preread).toBe(s.read);
  });

  it("reports what is left when the cgroup is gone", async () => {
    const s = await readStats("/skiff/gone", { root });
    expect(s.memory_stats).toEqual({});
    expect(s.cpu_stats.cpu_usage.total_usage).toBe(0);
  });
});
