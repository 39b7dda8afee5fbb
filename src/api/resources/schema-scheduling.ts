// core/v1 scheduling and pod-level security: affinity, tolerations, topology spread and the
// pod security context.

import { AppArmorProfile, SeccompProfile, SELinuxOptions } from "./schema-probe.js";
import { core, LabelSelector } from "./schema-meta.js";
import { atomicList, bool, desc, free, int, int64, obj, str } from "./schema.js";

const NodeSelectorRequirement = obj(
  {
    key: str("The label key that the selector applies to."),
    operator: str("A key's relationship to a set of values: In, NotIn, Exists, DoesNotExist, Gt or Lt."),
    values: atomicList(str(), "An array of string values."),
  },
  { name: core("NodeSelectorRequirement"), required: ["key", "operator"] },
);
const NodeSelectorTerm = obj(
  {
    matchExpressions: atomicList(
      NodeSelectorRequirement,
      "A list of node selector requirements by node's labels.",
    ),
    matchFields: atomicList(
      NodeSelectorRequirement,
      "A list of node selector requirements by node's fields.",
    ),
  },
  { name: core("NodeSelectorTerm"), mapType: "atomic", d: "The terms are ANDed." },
);
const PodAffinityTerm = obj(
  {
    labelSelector: desc(LabelSelector, "A label query over a set of resources, in this case pods."),
    matchLabelKeys: atomicList(
      str(),
      "Pod label keys to select which pods will be taken into consideration.",
    ),
    mismatchLabelKeys: atomicList(
      str(),
      "Pod label keys to select which pods will be taken into consideration.",
    ),
    namespaceSelector: desc(
      LabelSelector,
      "A label query over the set of namespaces that the term applies to.",
    ),
    namespaces: atomicList(str(), "A static list of namespace names that the term applies to."),
    topologyKey: str("Co-located pods are those on nodes whose value of the label with this key matches."),
  },
  {
    name: core("PodAffinityTerm"),
    required: ["topologyKey"],
    d: "Defines a set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with.",
  },
);
const WeightedPodAffinityTerm = obj(
  {
    podAffinityTerm: PodAffinityTerm,
    weight: int("Weight associated with matching the corresponding podAffinityTerm, in the range 1-100."),
  },
  { name: core("WeightedPodAffinityTerm"), required: ["weight", "podAffinityTerm"] },
);
const podAffinity = (kind: string, d: string) =>
  obj(
    {
      preferredDuringSchedulingIgnoredDuringExecution: atomicList(
        WeightedPodAffinityTerm,
        "The scheduler will prefer to schedule pods to nodes that satisfy these expressions.",
      ),
      requiredDuringSchedulingIgnoredDuringExecution: atomicList(
        PodAffinityTerm,
        "The scheduler will not schedule the pod onto a node unless these requirements are met.",
      ),
    },
    { name: core(kind), d },
  );

export const Affinity = obj(
  {
    nodeAffinity: obj(
      {
        preferredDuringSchedulingIgnoredDuringExecution: atomicList(
          obj(
            {
              preference: NodeSelectorTerm,
              weight: int(
                "Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.",
              ),
            },
            { name: core("PreferredSchedulingTerm"), required: ["weight", "preference"] },
          ),
          "The scheduler will prefer to schedule pods to nodes that satisfy these expressions.",
        ),
        requiredDuringSchedulingIgnoredDuringExecution: obj(
          {
            nodeSelectorTerms: atomicList(
              NodeSelectorTerm,
              "A list of node selector terms; the terms are ORed.",
            ),
          },
          { name: core("NodeSelector"), required: ["nodeSelectorTerms"], mapType: "atomic" },
        ),
      },
      { name: core("NodeAffinity"), d: "Node affinity scheduling rules for the pod." },
    ),
    podAffinity: podAffinity(
      "PodAffinity",
      "Pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pods).",
    ),
    podAntiAffinity: podAffinity(
      "PodAntiAffinity",
      "Pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pods).",
    ),
  },
  { name: core("Affinity"), d: "Affinity is a group of affinity scheduling rules." },
);

export const Toleration = obj(
  {
    effect: str("The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all."),
    key: str("The taint key that the toleration applies to; empty means match all taint keys."),
    operator: str("The key's relationship to the value: Exists or Equal; defaults to Equal."),
    tolerationSeconds: int64("How long the toleration tolerates a NoExecute taint."),
    value: str("The taint value the toleration matches to."),
  },
  {
    name: core("Toleration"),
    d: "The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect>.",
  },
);

export const PodSecurityContext = obj(
  {
    appArmorProfile: AppArmorProfile,
    fsGroup: int64("A special supplemental group that applies to all containers in a pod."),
    fsGroupChangePolicy: str(
      "Behavior of changing ownership and permission of the volume before being exposed inside Pod.",
    ),
    runAsGroup: int64("The GID to run the entrypoint of the container process."),
    runAsNonRoot: bool("Indicates that the container must run as a non-root user."),
    runAsUser: int64("The UID to run the entrypoint of the container process."),
    seLinuxChangePolicy: str("How the container's SELinux label is applied to all volumes used by the Pod."),
    seLinuxOptions: SELinuxOptions,
    seccompProfile: SeccompProfile,
    supplementalGroups: atomicList(int64(), "Groups applied to the first process run in each container."),
    supplementalGroupsPolicy: str("How supplemental groups of the first container processes are calculated."),
    sysctls: atomicList(
      obj(
        { name: str("Name of a property to set."), value: str("Value of a property to set.") },
        { name: core("Sysctl") },
      ),
      "Namespaced sysctls used for the pod.",
    ),
    windowsOptions: free("The Windows specific settings applied to all containers."),
  },
  { name: core("PodSecurityContext"), d: "Pod-level security attributes and common container settings." },
);

export const TopologySpreadConstraint = obj(
  {
    labelSelector: desc(LabelSelector, "Used to find matching pods."),
    matchLabelKeys: atomicList(
      str(),
      "Pod label keys to select the pods over which spreading will be calculated.",
    ),
    maxSkew: int("The degree to which pods may be unevenly distributed."),
    minDomains: int("Minimum number of eligible domains."),
    nodeAffinityPolicy: str("How to treat the pod's nodeAffinity/nodeSelector when calculating skew."),
    nodeTaintsPolicy: str("How to treat node taints when calculating skew."),
    topologyKey: str("The key of node labels."),
    whenUnsatisfiable: str("How to deal with a pod if it doesn't satisfy the spread constraint."),
  },
  {
    name: core("TopologySpreadConstraint"),
    required: ["maxSkew", "topologyKey", "whenUnsatisfiable"],
    d: "How to spread matching pods among the given topology.",
  },
);
