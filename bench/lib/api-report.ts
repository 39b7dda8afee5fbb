// The API bench's figures per backend and their rows in the printed table (Skiff's figure,
// etcd's own floor beside it where there is one, the target).
import { quantile } from "./stats.js";
import { fmt } from "./table.js";

export interface BackendResult {
  backend: string;
  createMs: number[];
  getMs: number[];
  updateMs: number[];
  /** The same etcd operations sent straight to etcd, alternating with Skiff's (etcd only). */
  etcdFloor?: { createMs: number[]; getMs: number[]; updateMs: number[] };
  createsPerSec: number;
  fsyncMs: number[];
  rssAfterCreatesMiB: number;
  listMs: number[];
  listItems: number;
  eventMs: number[];
  watchersConnected: number;
  rssMiB: number;
  /** The same after the server was left quiet for a few seconds. */
  settledRssMiB: number;
  etcdRssMiB?: number;
}

const q = (v: number[], p: number): string => fmt(quantile(v, p), 1);
const p50p99 = (v: number[] | undefined): string => (v ? `${q(v, 0.5)} / ${q(v, 0.99)}` : "");

/** Rows of [store, measure, Skiff, etcd alone, target]. */
export function reportRows(r: BackendResult, pods: number): string[][] {
  const b = r.backend;
  const f = r.etcdFloor;
  return [
    [b, "create p50 / p99 (ms)", p50p99(r.createMs), p50p99(f?.createMs), "p99 < 25"],
    [b, "update p50 / p99 (ms)", p50p99(r.updateMs), p50p99(f?.updateMs), "p99 < 25"],
    [b, "get p50 / p99 (ms)", p50p99(r.getMs), p50p99(f?.getMs), "p99 < 10"],
    [b, "disk append+fdatasync p50 / p99 (ms)", p50p99(r.fsyncMs), "", ""],
    [b, "pod creates/s (32 in flight)", fmt(r.createsPerSec, 0), "", b === "sqlite" ? "≥ 1000" : ""],
    [b, `list ${r.listItems} pods, median (ms)`, q(r.listMs, 0.5), "", ""],
    [
      b,
      `event delay, ${r.watchersConnected} watchers, p50 / p99 (ms)`,
      `${p50p99(r.eventMs)} (${r.eventMs.length} events)`,
      "",
      "",
    ],
    [b, `server RSS after ${pods} pod creates (MiB)`, fmt(r.rssAfterCreatesMiB, 0), "", ""],
    [b, `server RSS right after the lists (MiB)`, fmt(r.rssMiB, 0), "", ""],
    [
      b,
      `server RSS holding ${pods} pods, quiet 5 s after the lists (MiB)`,
      fmt(r.settledRssMiB, 0),
      r.etcdRssMiB !== undefined ? `etcd's own ${fmt(r.etcdRssMiB, 0)}` : "",
      "< 150 MB",
    ],
  ];
}
