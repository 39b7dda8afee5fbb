// `--node-lease-duration-seconds` (the kubelet's flag): how long a node's Lease holds; the node
// renews it every quarter of that, as the kubelet does. Shared by `skiff server` and `skiff agent`.
import { InvalidArgumentError, Option } from "commander";

export const DEFAULT_NODE_LEASE_DURATION_SECONDS = 40;

export function nodeLeaseDurationOption(): Option {
  return new Option(
    "--node-lease-duration-seconds <n>",
    "duration of this node's Lease; it is renewed every quarter of it (keep it at or below --node-monitor-grace-period)",
  )
    .env("SKIFF_NODE_LEASE_DURATION_SECONDS")
    .argParser((value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        throw new InvalidArgumentError("expected a whole number of seconds ≥ 1");
      return n;
    })
    .default(DEFAULT_NODE_LEASE_DURATION_SECONDS);
}
