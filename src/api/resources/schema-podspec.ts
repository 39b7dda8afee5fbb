// core/v1 PodSpec, PodTemplateSpec and PodStatus.

import {
  Container,
  EphemeralContainer,
  ResourceRequirements,
  AppArmorProfile,
  SeccompProfile,
  SELinuxOptions,
} from "./schema-container.js";
import { core, conditions, LabelSelector, LocalObjectReference, metadataField } from "./schema-meta.js";
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
  time,
} from "./schema.js";
import { Volume } from "./schema-volume.js";

const Toleration = obj(
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

const PodSecurityContext = obj(
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

const TopologySpreadConstraint = obj(
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

export const PodSpec = obj(
  {
    activeDeadlineSeconds: int64(
      "Duration in seconds the pod may be active on the node before the system actively tries to mark it failed.",
    ),
    affinity: free("If specified, the pod's scheduling constraints (node, pod and pod anti affinity)."),
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

const ContainerState = obj(
  {
    running: obj(
      { startedAt: time("Time at which the container was last (re-)started.") },
      { name: core("ContainerStateRunning") },
    ),
    terminated: obj(
      {
        containerID: str("Container's ID in the format '<type>://<container_id>'."),
        exitCode: int("Exit status from the last termination of the container."),
        finishedAt: time("Time at which the container last terminated."),
        message: str("Message regarding the last termination of the container."),
        reason: str("(brief) reason from the last termination of the container."),
        signal: int("Signal from the last termination of the container."),
        startedAt: time("Time at which previous execution of the container started."),
      },
      { name: core("ContainerStateTerminated") },
    ),
    waiting: obj(
      {
        message: str("Message regarding why the container is not yet running."),
        reason: str("(brief) reason the container is not yet running."),
      },
      { name: core("ContainerStateWaiting") },
    ),
  },
  { name: core("ContainerState"), d: "Holds a possible state of container; only one member may be set." },
);

const ContainerStatus = obj(
  {
    allocatedResources: map(quantity(), "Compute resources allocated for this container by the node."),
    allocatedResourcesStatus: atomicList(free(), "Status of resources allocated for this container."),
    containerID: str("Container's ID in the format '<type>://<container_id>'."),
    image: str("The name of the container image that the container is running."),
    imageID: str("The image ID of the container's image."),
    lastState: desc(ContainerState, "The container's last termination condition."),
    name: str("The name of the container."),
    ready: bool("Whether the container is currently passing its readiness check."),
    resources: desc(
      ResourceRequirements,
      "The compute resource requests and limits applied to the running container.",
    ),
    restartCount: int("The number of times the container has been restarted."),
    started: bool(
      "Whether the container has finished its postStart lifecycle hook and passed its startup probe.",
    ),
    state: desc(ContainerState, "Details about the container's current condition."),
    user: free("Identity information of the first process of this container."),
    volumeMounts: atomicList(free(), "Status of volume mounts."),
  },
  {
    name: core("ContainerStatus"),
    required: ["name", "ready", "restartCount", "image", "imageID"],
    d: "Details for a container in a pod.",
  },
);

const PodCondition = obj(
  {
    lastProbeTime: time("Last time we probed the condition."),
    lastTransitionTime: time("Last time the condition transitioned from one status to another."),
    message: str("Human-readable message indicating details about last transition."),
    reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
    status: str("Status is the status of the condition: True, False or Unknown."),
    type: str("Type is the type of the condition."),
  },
  {
    name: core("PodCondition"),
    required: ["type", "status"],
    d: "Details for the current condition of this pod.",
  },
);

const ipList = (name: string, d: string) =>
  keyedList(obj({ ip: str("IP address.") }, { name: core(name) }), ["ip"], { d });

export const PodStatus = obj(
  {
    conditions: conditions(PodCondition, "Current service state of pod."),
    containerStatuses: atomicList(
      ContainerStatus,
      "Statuses of the containers of the pod, one per container.",
    ),
    ephemeralContainerStatuses: atomicList(
      ContainerStatus,
      "Statuses of the ephemeral containers of the pod.",
    ),
    hostIP: str("The IP address of the host to which the pod is assigned."),
    hostIPs: ipList("HostIP", "The IP addresses allocated to the host."),
    initContainerStatuses: atomicList(ContainerStatus, "Statuses of the init containers of the pod."),
    message: str("A human readable message indicating details about why the pod is in this condition."),
    nominatedNodeName: str("Set only when this pod preempts other pods on the node."),
    observedGeneration: int64("The .metadata.generation this status was set based upon."),
    phase: str("The phase of a Pod: Pending, Running, Succeeded, Failed or Unknown."),
    podIP: str("The IP address allocated to the pod."),
    podIPs: ipList("PodIP", "The IP addresses allocated to the pod."),
    qosClass: str(
      "The Quality of Service classification assigned to the pod: Guaranteed, Burstable or BestEffort.",
    ),
    reason: str("A brief CamelCase message indicating details about why the pod is in this state."),
    resize: str("Status of the desired resize of the pod's containers."),
    resourceClaimStatuses: keyedList(free(), ["name"], {
      strategy: "merge,retainKeys",
      d: "Status of resource claims.",
    }),
    startTime: time("RFC 3339 date and time at which the object was acknowledged by the Kubelet."),
  },
  { name: core("PodStatus"), d: "Information about the status of a pod." },
);
