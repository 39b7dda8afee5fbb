// A daemon pod for one node, as k8s builds it: the template with the daemon tolerations, a
// required node affinity pinning it to the node (the scheduler binds it), and revision labels.
import type { KubeObject } from "../../api/types.js";
import { generateNamePrefix, podFromTemplate, rec } from "../pod-util.js";
import { daemonTolerations } from "./placement.js";

export const REVISION_HASH_LABEL = "controller-revision-hash";
export const TEMPLATE_GENERATION_LABEL = "pod-template-generation";

/** The required affinity of a pod pinned to `nodeName` (k8s ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function pinToNode(affinity: unknown, nodeName: string): Record<string, unknown> {
  const a = rec(structuredClone(affinity ?? {}));
  const nodeAffinity = rec(a.nodeAffinity);
  return {
    ...a,
    nodeAffinity: {
      ...nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
      },
    },
  };
}

export function newDaemonPod(ds: KubeObject, nodeName: string, hash: string): KubeObject {
  const template = rec(rec(ds.spec).template);
  const pod = podFromTemplate(template, ds, { generateName: generateNamePrefix(ds.metadata.name ?? "") });
  const spec = rec(pod.spec);
  pod.metadata.labels = {
    ...pod.metadata.labels,
    [REVISION_HASH_LABEL]: hash,
    ...(ds.metadata.generation !== undefined && {
      [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation),
    }),
  };
  pod.spec = { ...spec, tolerations: daemonTolerations(spec), affinity: pinToNode(spec.affinity, nodeName) };
  return pod;
}

/** Whether the pod runs the DaemonSet's current template. */
export function isPodUpdated(pod: KubeObject, hash: string): boolean {
  return pod.metadata.labels?.[REVISION_HASH_LABEL] === hash;
}
