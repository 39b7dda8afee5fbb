// core/v1 PodSpec and PodTemplateSpec (PodStatus is in schema-podstatus.ts).

import { Container, EphemeralContainer, ResourceRequirements } from "./schema-container.js";
import { core, LocalObjectReference, metadataField } from "./schema-meta.js";
import { Affinity, PodSecurityContext, Toleration, TopologySpreadConstraint } from "./schema-scheduling.js";
import {
  atomicList,
  bool,
  desc,
  free,
  int,
  int64,
  keyedList,
  map,
  obj,
  quantity,
  str,
  strMap,
} from "./schema.js";
import { Volume } from "./schema-volume.js";

export const PodSpec = obj(
  {
    activeDeadlineSeconds: int64(
      "Duration in seconds the pod may be active on the node before the system actively tries to mark it failed.",
    ),
    affinity: desc(Affinity, "If specified, the pod's scheduling constraints."),
    automountServiceAccountToken: bool("Whether a service account token should be automatically mounted."),
    containers: keyedList(Container, ["name"], {
      d: "List of containers belonging to the pod; there must be at least one.",
    }),
    dnsConfig: obj(
      {
        nameservers: atomicList(str(), "A list of DNS name server IP addresses."),
        options: atomicList(
          obj(
            { name: str("Required."), value: str("Value of the option.") },
            { name: core("PodDNSConfigOption") },
          ),
          "A list of DNS resolver options.",
        ),
        searches: atomicList(str(), "A list of DNS search domains for host-name lookup."),
      },
      {
        name: core("PodDNSConfig"),
        d: "DNS parameters of a pod, merged into those generated from DNSPolicy.",
      },
    ),
    dnsPolicy: str(
      "DNS policy for the pod: ClusterFirstWithHostNet, ClusterFirst, Default or None; defaults to ClusterFirst.",
    ),
    enableServiceLinks: bool(
      "Whether information about services should be injected into pod's environment variables.",
    ),
    ephemeralContainers: keyedList(EphemeralContainer, ["name"], {
      d: "Ephemeral containers run in this pod for user-initiated actions such as debugging.",
    }),
    hostAliases: keyedList(
      obj(
        {
          hostnames: atomicList(str(), "Hostnames for the above IP address."),
          ip: str("IP address of the host file entry."),
        },
        { name: core("HostAlias"), required: ["ip"] },
      ),
      ["ip"],
      { d: "Hosts and IPs injected into the pod's hosts file." },
    ),
    hostIPC: bool("Use the host's ipc namespace."),
    hostNetwork: bool("Host networking requested for this pod."),
    hostPID: bool("Use the host's pid namespace."),
    hostUsers: bool("Use the host's user namespace."),
    hostname: str("The hostname of the Pod; defaults to a system-defined value."),
    imagePullSecrets: keyedList(LocalObjectReference, ["name"], {
      d: "References to secrets in the same namespace to use for pulling any of the images.",
    }),
    initContainers: keyedList(Container, ["name"], {
      d: "List of initialization containers belonging to the pod.",
    }),
    nodeName: str("A request to schedule this pod onto a specific node."),
    nodeSelector: {
      ...strMap("A selector which must be true for the pod to fit on a node."),
      mapType: "atomic",
    },
    os: obj(
      { name: str("The name of the operating system: linux or windows.") },
      { name: core("PodOS"), required: ["name"] },
    ),
    overhead: map(
      quantity(),
      "The resource overhead associated with running a pod for a given RuntimeClass.",
    ),
    preemptionPolicy: str("Policy for preempting pods with lower priority: Never or PreemptLowerPriority."),
    priority: int("The priority value; set from PriorityClassName by the admission controller."),
    priorityClassName: str("If specified, indicates the pod's priority."),
    readinessGates: atomicList(
      obj(
        { conditionType: str("Refers to a condition in the pod's condition list with matching type.") },
        { name: core("PodReadinessGate"), required: ["conditionType"] },
      ),
      "Extra conditions evaluated for pod readiness.",
    ),
    resourceClaims: keyedList(free(), ["name"], {
      strategy: "merge,retainKeys",
      d: "ResourceClaims that must be allocated and reserved before the Pod is allowed to start.",
    }),
    resources: desc(
      ResourceRequirements,
      "The total amount of CPU and memory resources required by all containers in the pod.",
    ),
    restartPolicy: str(
      "Restart policy for all containers within the pod: Always, OnFailure or Never; defaults to Always.",
    ),
    runtimeClassName: str("The RuntimeClass object which should be used to run this pod."),
    schedulerName: str(
      "The pod will be dispatched by the specified scheduler; defaults to default-scheduler.",
    ),
    schedulingGates: keyedList(
      obj(
        { name: str("Name of the scheduling gate.") },
        { name: core("PodSchedulingGate"), required: ["name"] },
      ),
      ["name"],
      {
        d: "Gates that block scheduling the pod while present.",
      },
    ),
    securityContext: desc(PodSecurityContext, "Pod-level security attributes and common container settings."),
    serviceAccount: str("Deprecated alias for ServiceAccountName."),
    serviceAccountName: str("The name of the ServiceAccount to use to run this pod."),
    setHostnameAsFQDN: bool("The Pod's hostname will be configured as the Pod's FQDN."),
    shareProcessNamespace: bool("Share a single process namespace between all of the containers in a pod."),
    subdomain: str(
      "The fully qualified Pod hostname will be <hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>.",
    ),
    terminationGracePeriodSeconds: int64(
      "Duration in seconds the pod needs to terminate gracefully; defaults to 30.",
    ),
    tolerations: atomicList(Toleration, "If specified, the pod's tolerations."),
    topologySpreadConstraints: keyedList(TopologySpreadConstraint, ["topologyKey", "whenUnsatisfiable"], {
      d: "How a group of pods ought to spread across topology domains.",
    }),
    volumes: keyedList(Volume, ["name"], {
      strategy: "merge,retainKeys",
      d: "List of volumes that can be mounted by containers belonging to the pod.",
    }),
  },
  { name: core("PodSpec"), required: ["containers"], d: "PodSpec is a description of a pod." },
);

export const PodTemplateSpec = obj(
  {
    metadata: metadataField,
    spec: desc(PodSpec, "Specification of the desired behavior of the pod."),
  },
  {
    name: core("PodTemplateSpec"),
    d: "PodTemplateSpec describes the data a pod should have when created from a template.",
  },
);
