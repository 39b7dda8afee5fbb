// core/v1 probes, lifecycle hooks and security contexts: the parts of a Container that say how
// it is checked, hooked and confined.

import { core } from "./schema-meta.js";
import { atomicList, bool, desc, free, int, int64, intOrStr, obj, str } from "./schema.js";

const HTTPHeader = obj(
  { name: str("The header field name."), value: str("The header field value.") },
  { name: core("HTTPHeader"), required: ["name", "value"] },
);
const ExecAction = obj(
  { command: atomicList(str(), "Command line to execute inside the container; not run in a shell.") },
  { name: core("ExecAction") },
);
const HTTPGetAction = obj(
  {
    host: str("Host name to connect to, defaults to the pod IP."),
    httpHeaders: atomicList(HTTPHeader, "Custom headers to set in the request."),
    path: str("Path to access on the HTTP server."),
    port: intOrStr("Name or number of the port to access on the container."),
    scheme: str("Scheme to use for connecting to the host; defaults to HTTP."),
  },
  {
    name: core("HTTPGetAction"),
    required: ["port"],
    d: "HTTPGetAction describes an action based on HTTP Get requests.",
  },
);
const TCPSocketAction = obj(
  {
    host: str("Optional: host name to connect to, defaults to the pod IP."),
    port: intOrStr("Number or name of the port to access on the container."),
  },
  { name: core("TCPSocketAction"), required: ["port"] },
);

export const Probe = obj(
  {
    exec: ExecAction,
    failureThreshold: int(
      "Minimum consecutive failures for the probe to be considered failed after having succeeded; defaults to 3.",
    ),
    grpc: obj(
      {
        port: int("Port number of the gRPC service."),
        service: str("Name of the service (gRPC health checking protocol)."),
      },
      { name: core("GRPCAction"), required: ["port"] },
    ),
    httpGet: HTTPGetAction,
    initialDelaySeconds: int(
      "Number of seconds after the container has started before probes are initiated.",
    ),
    periodSeconds: int("How often (in seconds) to perform the probe; defaults to 10."),
    successThreshold: int(
      "Minimum consecutive successes for the probe to be considered successful after having failed; defaults to 1.",
    ),
    tcpSocket: TCPSocketAction,
    terminationGracePeriodSeconds: int64(
      "Optional duration in seconds the pod needs to terminate gracefully upon probe failure.",
    ),
    timeoutSeconds: int("Number of seconds after which the probe times out; defaults to 1."),
  },
  { name: core("Probe"), d: "Probe describes a health check to be performed against a container." },
);

const LifecycleHandler = obj(
  {
    exec: ExecAction,
    httpGet: HTTPGetAction,
    sleep: obj(
      { seconds: int64("Seconds is the number of seconds to sleep.") },
      { name: core("SleepAction"), required: ["seconds"] },
    ),
    tcpSocket: TCPSocketAction,
  },
  {
    name: core("LifecycleHandler"),
    d: "LifecycleHandler defines a specific action that should be taken in a lifecycle hook.",
  },
);

export const Lifecycle = obj(
  {
    postStart: desc(LifecycleHandler, "Called immediately after a container is created."),
    preStop: desc(LifecycleHandler, "Called immediately before a container is terminated."),
  },
  {
    name: core("Lifecycle"),
    d: "Actions that the management system should take in response to container lifecycle events.",
  },
);

export const SELinuxOptions = obj(
  {
    level: str("SELinux level label."),
    role: str("SELinux role label."),
    type: str("SELinux type label."),
    user: str("SELinux user label."),
  },
  { name: core("SELinuxOptions") },
);
export const SeccompProfile = obj(
  {
    localhostProfile: str("A profile defined in a file on the node."),
    type: str("Localhost, RuntimeDefault or Unconfined."),
  },
  { name: core("SeccompProfile"), required: ["type"] },
);
export const AppArmorProfile = obj(
  {
    localhostProfile: str("A profile loaded on the node."),
    type: str("Localhost, RuntimeDefault or Unconfined."),
  },
  { name: core("AppArmorProfile"), required: ["type"] },
);

export const SecurityContext = obj(
  {
    allowPrivilegeEscalation: bool("Whether a process can gain more privileges than its parent process."),
    appArmorProfile: AppArmorProfile,
    capabilities: obj(
      { add: atomicList(str(), "Added capabilities."), drop: atomicList(str(), "Removed capabilities.") },
      { name: core("Capabilities"), d: "The capabilities to add/drop when running containers." },
    ),
    privileged: bool("Run container in privileged mode; defaults to false."),
    procMount: str("The type of proc mount to use for the containers."),
    readOnlyRootFilesystem: bool("Whether this container has a read-only root filesystem."),
    runAsGroup: int64("The GID to run the entrypoint of the container process."),
    runAsNonRoot: bool("Indicates that the container must run as a non-root user."),
    runAsUser: int64("The UID to run the entrypoint of the container process."),
    seLinuxOptions: SELinuxOptions,
    seccompProfile: SeccompProfile,
    windowsOptions: free("The Windows specific settings applied to all containers."),
  },
  { name: core("SecurityContext"), d: "Security options the container should be run with." },
);
