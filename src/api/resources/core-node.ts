// core/v1 Node (cluster-scoped; registered by node agents).

import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { listAt, objAt, strAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { conditions, core, kindSchema } from "./schema-meta.js";
import { atomicList, bool, free, int, keyedList, map, obj, quantity, setList, str, time } from "./schema.js";
import { col, listOrNone } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const gvk = { group: "", version: "v1", kind: "Node" };
const quantities = (d: string) => map(quantity(), d);

const NodeCondition = obj(
  {
    lastHeartbeatTime: time("Last time we got an update on a given condition."),
    lastTransitionTime: time("Last time the condition transit from one status to another."),
    message: str("Human readable message indicating details about last transition."),
    reason: str("(brief) reason for the condition's last transition."),
    status: str("Status of the condition, one of True, False, Unknown."),
    type: str("Type of node condition."),
  },
  {
    name: core("NodeCondition"),
    required: ["type", "status"],
    d: "NodeCondition contains condition information for a node.",
  },
);

const schema = kindSchema(
  gvk,
  core("Node"),
  {
    spec: obj(
      {
        configSource: free("Deprecated: the source to use to configure the node."),
        externalID: str("Deprecated: not all kubelets set this field."),
        podCIDR: str("The pod IP range assigned to the node."),
        podCIDRs: setList(str(), "The IP ranges assigned to the node for usage by Pods on that node.", {
          smpMerge: true,
        }),
        providerID: str("ID of the node assigned by the cloud provider."),
        taints: atomicList(
          obj(
            {
              effect: str(
                "The effect of the taint on pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or NoExecute.",
              ),
              key: str("The taint key to be applied to a node."),
              timeAdded: time("The time at which the taint was added (NoExecute taints only)."),
              value: str("The taint value corresponding to the taint key."),
            },
            { name: core("Taint"), required: ["key", "effect"] },
          ),
          "If specified, the node's taints.",
        ),
        unschedulable: bool("Controls node schedulability of new pods; by default, node is schedulable."),
      },
      { name: core("NodeSpec"), d: "NodeSpec describes the attributes that a node is created with." },
    ),
    status: obj(
      {
        addresses: keyedList(
          obj(
            {
              address: str("The node address."),
              type: str("Node address type, one of Hostname, ExternalIP or InternalIP."),
            },
            { name: core("NodeAddress"), required: ["type", "address"] },
          ),
          ["type"],
          {
            d: "List of addresses reachable to the node.",
          },
        ),
        allocatable: quantities(
          "The resources of a node that are available for scheduling; defaults to Capacity.",
        ),
        capacity: quantities("The total resources of a node."),
        conditions: conditions(NodeCondition, "Conditions is an array of current observed node conditions."),
        config: free("Status of the config assigned to the node via the dynamic Kubelet config feature."),
        daemonEndpoints: obj(
          {
            kubeletEndpoint: obj(
              { Port: int("Port number of the given endpoint.") },
              { name: core("DaemonEndpoint") },
            ),
          },
          { name: core("NodeDaemonEndpoints") },
        ),
        features: free("The set of features implemented by the CRI implementation."),
        images: atomicList(free(), "List of container images on this node."),
        nodeInfo: obj(
          {
            architecture: str("The Architecture reported by the node."),
            bootID: str("Boot ID reported by the node."),
            containerRuntimeVersion: str(
              "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
            ),
            kernelVersion: str("Kernel Version reported by the node from 'uname -r'."),
            kubeProxyVersion: str("Deprecated: KubeProxy Version reported by the node."),
            kubeletVersion: str("Kubelet Version reported by the node."),
            machineID: str("MachineID reported by the node."),
            operatingSystem: str("The Operating System reported by the node."),
            osImage: str(
              "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
            ),
            systemUUID: str("SystemUUID reported by the node."),
          },
          { name: core("NodeSystemInfo"), d: "A set of ids/uuids to uniquely identify the node." },
        ),
        phase: str("Deprecated: NodePhase is the recently observed lifecycle phase of the node."),
        runtimeHandlers: atomicList(free(), "The available runtime handlers."),
        volumesAttached: atomicList(free(), "List of volumes that are attached to the node."),
        volumesInUse: atomicList(str(), "List of attachable volumes in use (mounted) by the node."),
      },
      { name: core("NodeStatus"), d: "NodeStatus is information about the current status of a node." },
    ),
  },
  "Node is a worker node in Kubernetes.",
);

/** `Ready`, `NotReady`, `Unknown`, plus `,SchedulingDisabled` (printNode). */
function nodeStatus(node: KubeObject): string {
  const ready = listAt(objAt(node, "status"), "conditions").find((c) => strAt(c, "type") === "Ready");
  const status = [ready === undefined ? "Unknown" : strAt(ready, "status") === "True" ? "Ready" : "NotReady"];
  if (objAt(node, "spec")?.unschedulable === true) status.push("SchedulingDisabled");
  return status.join(",");
}

/** Roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v) roles.add(v);
  }
  return listOrNone([...roles].sort());
}

function address(node: KubeObject, type: string): string {
  const a = listAt(objAt(node, "status"), "addresses").find((x) => strAt(x, "type") === type);
  return strAt(a, "address") ?? "<none>";
}

export const nodeDef = defineResource({
  ...gvk,
  resource: "nodes",
  shortNames: ["no"],
  namespaced: false,
  status: true,
  schema,
  // SetDefaults_NodeStatus: what can be scheduled defaults to what the node has.
  setDefaults: (n) => {
    const status = objAt(n, "status");
    if (status && status.allocatable === undefined && status.capacity !== undefined)
      status.allocatable = structuredClone(status.capacity);
  },
  validate: (n, old) => [
    ...validateObjectMeta(n, { namespaced: false, name: isDNS1123Subdomain }),
    ...(old ? validateObjectMetaUpdate(n, old) : []),
  ],
  columns: [
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    col("Version", "string", "Kubelet Version reported by the node."),
    col(
      "Internal-IP",
      "string",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      { wide: true },
    ),
    col(
      "External-IP",
      "string",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      { wide: true },
    ),
    col(
      "OS-Image",
      "string",
      "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
      { wide: true },
    ),
    col(
      "Kernel-Version",
      "string",
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      { wide: true },
    ),
    col(
      "Container-Runtime",
      "string",
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
      { wide: true },
    ),
  ],
  ageAt: 2,
  cells: (n) => {
    const info = objAt(objAt(n, "status"), "nodeInfo");
    return [
      nodeStatus(n),
      nodeRoles(n),
      strAt(info, "kubeletVersion") ?? "",
      address(n, "InternalIP"),
      address(n, "ExternalIP"),
      strAt(info, "osImage") || "<unknown>",
      strAt(info, "kernelVersion") || "<unknown>",
      strAt(info, "containerRuntimeVersion") || "<unknown>",
    ];
  },
  fieldSelectors: { "spec.unschedulable": (n) => String(objAt(n, "spec")?.unschedulable === true) },
});
