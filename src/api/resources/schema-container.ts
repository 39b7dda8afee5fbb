// core/v1 Container and what it embeds (ports, env, resources, mounts); probes and security
// contexts are in schema-probe.ts.

import { core } from "./schema-meta.js";
import { Lifecycle, Probe, SecurityContext } from "./schema-probe.js";
import { atomicList, bool, desc, int, keyedList, map, obj, quantity, str } from "./schema.js";

const optional = bool("Specify whether the referent must be defined.");

export const ContainerPort = obj(
  {
    containerPort: int("Number of port to expose on the pod's IP address (0 < x < 65536)."),
    hostIP: str("What host IP to bind the external port to."),
    hostPort: int("Number of port to expose on the host; most containers do not need this."),
    name: str("An IANA_SVC_NAME, unique within the pod, that services can refer to."),
    protocol: str("Protocol for port: UDP, TCP or SCTP; defaults to TCP.", { enum: ["SCTP", "TCP", "UDP"] }),
  },
  {
    name: core("ContainerPort"),
    required: ["containerPort"],
    d: "ContainerPort represents a network port in a single container.",
  },
);

const keySelector = (kind: string): ReturnType<typeof obj> =>
  obj(
    { key: str("The key to select."), name: str(`Name of the ${kind}.`), optional },
    {
      name: core(`${kind}KeySelector`),
      required: ["key"],
      mapType: "atomic",
      d: `Selects a key of a ${kind}.`,
    },
  );

export const EnvVarSource = obj(
  {
    configMapKeyRef: keySelector("ConfigMap"),
    fieldRef: obj(
      {
        apiVersion: str("Version of the schema the FieldPath is written in."),
        fieldPath: str("Path of the field to select."),
      },
      {
        name: core("ObjectFieldSelector"),
        required: ["fieldPath"],
        mapType: "atomic",
        d: "Selects a field of the pod.",
      },
    ),
    resourceFieldRef: obj(
      {
        containerName: str("Container name: required for volumes, optional for env vars."),
        divisor: quantity("Specifies the output format of the exposed resources, defaults to 1."),
        resource: str("Required: resource to select."),
      },
      {
        name: core("ResourceFieldSelector"),
        required: ["resource"],
        mapType: "atomic",
        d: "Selects a resource of the container.",
      },
    ),
    secretKeyRef: keySelector("Secret"),
  },
  { name: core("EnvVarSource"), d: "EnvVarSource represents a source for the value of an EnvVar." },
);

export const EnvVar = obj(
  {
    name: str("Name of the environment variable."),
    value: str("Variable references $(VAR_NAME) are expanded using the previously defined variables."),
    valueFrom: desc(
      EnvVarSource,
      "Source for the environment variable's value; cannot be used if value is not empty.",
    ),
  },
  {
    name: core("EnvVar"),
    required: ["name"],
    d: "EnvVar represents an environment variable present in a Container.",
  },
);

const refWithOptional = (kind: string): ReturnType<typeof obj> =>
  obj(
    { name: str("Name of the referent."), optional },
    { name: core(`${kind}EnvSource`), d: `Selects a ${kind} to populate the environment variables with.` },
  );

export const EnvFromSource = obj(
  {
    configMapRef: refWithOptional("ConfigMap"),
    prefix: str("An optional identifier to prepend to each key."),
    secretRef: refWithOptional("Secret"),
  },
  {
    name: core("EnvFromSource"),
    d: "EnvFromSource represents the source of a set of ConfigMaps or Secrets.",
  },
);

const quantities = (d: string) => map(quantity(), d);

export const ResourceRequirements = obj(
  {
    claims: keyedList(
      obj(
        { name: str("Name of a resourceClaims entry of the pod."), request: str("A request of the claim.") },
        { name: core("ResourceClaim") },
      ),
      ["name"],
      {
        mergeKey: null,
        d: "The names of resources, defined in spec.resourceClaims, that are used by this container.",
      },
    ),
    limits: quantities("The maximum amount of compute resources allowed."),
    requests: quantities(
      "The minimum amount of compute resources required; defaults to limits when omitted.",
    ),
  },
  {
    name: core("ResourceRequirements"),
    d: "ResourceRequirements describes the compute resource requirements.",
  },
);

export const VolumeMount = obj(
  {
    mountPath: str("Path within the container at which the volume should be mounted; must not contain ':'."),
    mountPropagation: str("How mounts are propagated from the host to container and the other way around."),
    name: str("This must match the Name of a Volume."),
    readOnly: bool("Mounted read-only if true, read-write otherwise (false or unspecified)."),
    recursiveReadOnly: str("Whether read-only mounts should be handled recursively."),
    subPath: str("Path within the volume from which the container's volume should be mounted."),
    subPathExpr: str("Expanded path within the volume from which the container's volume should be mounted."),
  },
  {
    name: core("VolumeMount"),
    required: ["name", "mountPath"],
    d: "VolumeMount describes a mounting of a Volume within a container.",
  },
);

const VolumeDevice = obj(
  {
    devicePath: str("The path inside of the container that the device will be mapped to."),
    name: str("Must match the name of a persistentVolumeClaim in the pod."),
  },
  {
    name: core("VolumeDevice"),
    required: ["name", "devicePath"],
    d: "A mapping of a raw block device within a container.",
  },
);

export const Container = obj(
  {
    args: atomicList(str(), "Arguments to the entrypoint; the image's CMD is used if not provided."),
    command: atomicList(
      str(),
      "Entrypoint array, not executed within a shell; the image's ENTRYPOINT is used if not provided.",
    ),
    env: keyedList(EnvVar, ["name"], { d: "List of environment variables to set in the container." }),
    envFrom: atomicList(EnvFromSource, "List of sources to populate environment variables in the container."),
    image: str("Container image name."),
    imagePullPolicy: str("Image pull policy: Always, Never or IfNotPresent.", {
      enum: ["Always", "IfNotPresent", "Never"],
    }),
    lifecycle: Lifecycle,
    livenessProbe: desc(
      Probe,
      "Periodic probe of container liveness; the container is restarted if the probe fails.",
    ),
    name: str("Name of the container specified as a DNS_LABEL; unique within the pod."),
    ports: keyedList(ContainerPort, ["containerPort", "protocol"], {
      d: "List of ports to expose from the container.",
    }),
    readinessProbe: desc(Probe, "Periodic probe of container service readiness."),
    resizePolicy: atomicList(
      obj(
        {
          resourceName: str("Name of the resource."),
          restartPolicy: str("Restart policy to apply on resize."),
        },
        { name: core("ContainerResizePolicy") },
      ),
      "Resources resize policy for the container.",
    ),
    resources: desc(ResourceRequirements, "Compute Resources required by this container."),
    restartPolicy: str("Restart behaviour of an init container (Always makes it a sidecar)."),
    securityContext: SecurityContext,
    startupProbe: desc(Probe, "Indicates that the Pod has successfully initialized."),
    stdin: bool("Whether this container should allocate a buffer for stdin in the container runtime."),
    stdinOnce: bool(
      "Whether the container runtime should close the stdin channel after it has been opened by a single attach.",
    ),
    terminationMessagePath: str(
      "Path at which the file to which the container's termination message will be written is mounted.",
    ),
    terminationMessagePolicy: str(
      "How the termination message should be populated: File or FallbackToLogsOnError.",
    ),
    tty: bool("Whether this container should allocate a TTY for itself."),
    volumeDevices: keyedList(VolumeDevice, ["devicePath"], {
      d: "The list of block devices to be used by the container.",
    }),
    volumeMounts: keyedList(VolumeMount, ["mountPath"], {
      d: "Pod volumes to mount into the container's filesystem.",
    }),
    workingDir: str("Container's working directory."),
  },
  {
    name: core("Container"),
    required: ["name"],
    d: "A single application container that you want to run within a pod.",
  },
);

/** Ephemeral containers share Container's fields plus the container they target. */
export const EphemeralContainer = obj(
  {
    ...Container.fields,
    targetContainerName: str("The name of the container the ephemeral container targets."),
  },
  {
    name: core("EphemeralContainer"),
    required: ["name"],
    d: "A temporary container added to an existing Pod for user-initiated activities such as debugging.",
  },
);
