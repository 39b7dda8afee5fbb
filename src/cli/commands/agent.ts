// `skiff agent`: joins this machine to a Skiff cluster as a node (the kubelet's job) with a
// join token from `skiff token create`, and runs the pods the scheduler binds to it.
import { Option, type Command } from "commander";
import { parseJoinToken } from "../../api/auth/join-token.js";
import { LOG_LEVELS, type LogLevel } from "../../server/logger.js";
import { CliError } from "../admin-client.js";
import { parseApiServerUrl } from "../api-server-url.js";
import { insecureRegistryOption } from "../insecure-registry-option.js";
import { nodeLeaseDurationOption } from "../node-lease-option.js";
import { parseDuration } from "../units.js";

export const DEFAULT_AGENT_DATA_DIR = "/var/lib/skiff-agent";
export const DEFAULT_AGENT_EXEC_ROOT = "/run/skiff-agent";
export const DEFAULT_AGENT_BRIDGE_NAME = "skiff-agent0";
export const DEFAULT_AGENT_BRIDGE_SUBNET = "10.90.0.0/16";

interface AgentFlags {
  server: string;
  token: string;
  caCertHash?: string;
  caFile?: string;
  nodeName?: string;
  nodeIp?: string;
  dataDir: string;
  execRoot: string;
  bridgeName: string;
  bridgeSubnet: string;
  engineSocket?: string;
  insecureRegistry: string[];
  nodeLeaseDurationSeconds: number;
  streamPort: string;
  logLevel: LogLevel;
  shutdownTimeout: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliError(`--stream-port: expected a port number (1-65535), got ${JSON.stringify(value)}`);
  }
  return port;
}

export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("join this machine to a Skiff cluster as a node and run the pods scheduled to it")
    .addOption(
      new Option("--server <url>", "the cluster's Kubernetes API, e.g. https://10.0.0.5:6443")
        .env("SKIFF_SERVER")
        .makeOptionMandatory(),
    )
    .addOption(
      new Option("--token <token>", "a join token from `skiff token create` (<id>.<secret>)")
        .env("SKIFF_TOKEN")
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--ca-cert-hash <sha256:hex>",
        "trust the server's CA only if its public key has this hash (printed by `skiff token create`)",
      )
        .env("SKIFF_CA_CERT_HASH")
        .conflicts("caFile"),
    )
    .addOption(
      new Option(
        "--ca-file <path>",
        "trust the CA certificate in this PEM file instead (<data-dir>/api/pki/ca.crt of the server)",
      ).env("SKIFF_CA_FILE"),
    )
    .addOption(
      new Option("--node-name <name>", "the Node's name (default: the host name, lower case)").env(
        "SKIFF_NODE_NAME",
      ),
    )
    .addOption(
      new Option(
        "--node-ip <ip>",
        "the Node's InternalIP (default: the local address that reaches --server)",
      ).env("SKIFF_NODE_IP"),
    )
    .addOption(
      new Option("--data-dir <dir>", "where the agent keeps images, containers and pod files")
        .env("SKIFF_DATA_DIR")
        .default(DEFAULT_AGENT_DATA_DIR),
    )
    .addOption(
      new Option(
        "--exec-root <dir>",
        "runtime state of running containers (runc state, conmon sockets, network namespaces)",
      )
        .env("SKIFF_EXEC_ROOT")
        .default(DEFAULT_AGENT_EXEC_ROOT),
    )
    .addOption(
      new Option("--bridge-name <name>", "Linux bridge the pods attach to")
        .env("SKIFF_BRIDGE_NAME")
        .default(DEFAULT_AGENT_BRIDGE_NAME),
    )
    .addOption(
      new Option("--bridge-subnet <cidr>", "IPv4 subnet of this node's pods; give every node its own")
        .env("SKIFF_BRIDGE_SUBNET")
        .default(DEFAULT_AGENT_BRIDGE_SUBNET),
    )
    .addOption(
      new Option(
        "--engine-socket <path>",
        "Docker Engine API socket of this node's containers (default: <exec-root>/engine.sock)",
      ).env("SKIFF_ENGINE_SOCKET"),
    )
    .addOption(insecureRegistryOption())
    .addOption(nodeLeaseDurationOption())
    .addOption(
      new Option(
        "--stream-port <port>",
        "port on --node-ip where the API server reaches this node for kubectl logs/exec/port-forward (the kubelet's)",
      )
        .env("SKIFF_STREAM_PORT")
        .default("10250"),
    )
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(LOG_LEVELS)
        .env("SKIFF_LOG_LEVEL")
        .default("info"),
    )
    .addOption(
      new Option("--shutdown-timeout <duration>", "on SIGTERM, how long the engine may take to stop").default(
        "30s",
      ),
    )
    .addHelpText(
      "after",
      `
Trust: the agent must know the API server's CA before it sends the token. With
--ca-cert-hash (what \`skiff token create\` prints) it reads the CA from the ConfigMap
kube-public/cluster-info, which anyone may read, and accepts it only if the SHA-256 of its
public key matches (kubeadm's --discovery-token-ca-cert-hash); every later connection is
checked against that CA. With --ca-file it uses the given CA certificate as it is.

Identity: the token authenticates as system:bootstrap:<id> in the group system:nodes, which
the ClusterRole system:node allows to register the Node, renew its Lease in kube-node-lease,
follow the pods bound to it, report their status, write Events and read the ConfigMaps and
Secrets the pods use. Deleting the token (\`skiff token delete <id>\`) cuts the node off.

The agent runs containers with runc and needs root. Pods keep running when it stops; the next
start adopts them. \`kubectl logs/exec/port-forward\` reach this node's pods through the API
server, which connects to --node-ip:--stream-port (HTTPS; the node's certificate is checked
against the CA it publishes on its Node, and only the API server's client certificate, signed
by the cluster CA, is admitted).

Pods on this node pull from the cluster's own registry with the node's identity (the server
publishes the nodes' credential); other registries need imagePullSecrets.

Examples (on the server: skiff token create --server https://10.0.0.5:6443):
  skiff agent --server https://10.0.0.5:6443 --token abcdef.0123456789abcdef \\
    --ca-cert-hash sha256:1f3a...
  skiff agent --server https://10.0.0.5:6443 --token abcdef.0123456789abcdef \\
    --ca-file ca.crt --node-name worker-2 --bridge-subnet 10.91.0.0/16`,
    )
    .action(async (flags: AgentFlags) => {
      if (parseJoinToken(flags.token) === undefined) {
        throw new CliError(
          "--token: expected <6 characters>.<16 characters> of a-z and 0-9, as `skiff token create` prints",
        );
      }
      // The agent (API client, engine) is loaded only when this command runs.
      const { runAgent } = await import("./agent-run.js");
      await runAgent({
        server: parseApiServerUrl(flags.server).origin,
        token: flags.token.trim(),
        ...(flags.caFile !== undefined && { caFile: flags.caFile }),
        ...(flags.caCertHash !== undefined && { caCertHash: flags.caCertHash }),
        ...(flags.nodeName !== undefined && { nodeName: flags.nodeName }),
        ...(flags.nodeIp !== undefined && { nodeIp: flags.nodeIp }),
        dataDir: flags.dataDir,
        engine: {
          socketPath: flags.engineSocket ?? `${flags.execRoot}/engine.sock`,
          execRoot: flags.execRoot,
          bridgeName: flags.bridgeName,
          bridgeSubnet: flags.bridgeSubnet,
          insecureRegistries: flags.insecureRegistry,
        },
        nodeLeaseDurationSeconds: flags.nodeLeaseDurationSeconds,
        streamPort: parsePort(flags.streamPort),
        logLevel: flags.logLevel,
        shutdownTimeoutMs: parseDuration(flags.shutdownTimeout),
      });
    });
}
