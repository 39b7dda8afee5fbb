// core/v1 PodStatus: what the node agent reports about a pod and its containers.

import { ResourceRequirements } from "./schema-container.js";
import { conditions, core } from "./schema-meta.js";
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
  time,
} from "./schema.js";

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
