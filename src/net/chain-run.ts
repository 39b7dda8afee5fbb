// Runs a plugin chain the way libcni runs a conflist: ADD in order, each plugin getting the
// previous one's result; DEL in reverse order, each getting the chain's cached result.
import { withPrevResult } from "./chain.js";
import type { CniPlugins, CniResult, PluginConfig } from "./cni.js";

export interface ChainTarget {
  containerId: string;
  netns: string;
  ifName: string;
  chain: readonly PluginConfig[];
}

/**
 * ADDs the chain. `onResult` sees every intermediate result, so that a failure later in the
 * chain can still DEL with what the earlier plugins returned.
 */
export async function addChain(
  plugins: CniPlugins,
  t: ChainTarget,
  onResult: (r: CniResult | undefined) => void,
): Promise<CniResult | undefined> {
  let prev: CniResult | undefined;
  for (const config of t.chain) {
    prev = await plugins.invoke({
      command: "ADD",
      containerId: t.containerId,
      netns: t.netns,
      ifName: t.ifName,
      config: withPrevResult(config, prev),
    });
    onResult(prev);
  }
  return prev;
}

/** DELs the chain in reverse order; every plugin runs even when one fails. Returns the failures. */
export async function delChain(
  plugins: CniPlugins,
  t: ChainTarget,
  result: CniResult | undefined,
): Promise<string[]> {
  const errors: string[] = [];
  for (const config of [...t.chain].reverse()) {
    try {
      await plugins.invoke({
        command: "DEL",
        containerId: t.containerId,
        netns: t.netns,
        ifName: t.ifName,
        config: withPrevResult(config, result),
      });
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return errors;
}
