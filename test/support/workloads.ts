// Manifests and pod queries shared by the orchestration tests that drive the real kubectl: a
// Deployment of the test web image with a readiness probe, and waits for pods of a selector.
import { eventually, type ClusterServer, type KubeJson } from "./cluster-server.js";

export interface ContainerStateJson {
  reason?: string;
  exitCode?: number;
  message?: string;
}

export interface ContainerStatusJson {
  name: string;
  ready: boolean;
  restartCount: number;
  image: string;
  state?: Record<string, ContainerStateJson | undefined>;
  lastState?: Record<string, ContainerStateJson | undefined>;
}

export interface PodJson extends KubeJson {
  metadata: KubeJson["metadata"] & { annotations?: Record<string, string> };
  spec?: KubeJson["spec"] & { containers?: { name: string; image: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    qosClass?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}

/** A Deployment of `image` (the web program) Ready once it serves /index.html. */
export function webDeployment(o: {
  name: string;
  image: string;
  replicas: number;
  /** YAML of spec.strategy, indented by 4. */
  strategy?: string;
  /** Extra YAML lines of spec, indented by 2. */
  spec?: string;
}): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
spec:
  replicas: ${o.replicas}
  selector:
    matchLabels: { app: ${o.name} }
  strategy:
${o.strategy ?? "    type: RollingUpdate"}
${o.spec ?? ""}
  template:
    metadata:
      labels: { app: ${o.name} }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: ${o.image}
          readinessProbe:
            httpGet: { path: /index.html, port: 80 }
            periodSeconds: 1
`;
}

export const isReady = (p: PodJson): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

export class Pods {
  readonly #cluster: ClusterServer;

  constructor(cluster: ClusterServer) {
    this.#cluster = cluster;
  }

  async list(selector: string): Promise<PodJson[]> {
    return (await this.#cluster.getJson<{ items: PodJson[] }>(["pods", "-l", selector])).items;
  }

  get(name: string): Promise<PodJson> {
    return this.#cluster.getJson<PodJson>(["pod", name]);
  }

  /** Waits until the pods of `selector` not being deleted are `n`, all Running and Ready. */
  ready(selector: string, n: number, timeoutMs = 60_000): Promise<PodJson[]> {
    let last: PodJson[] = [];
    return eventually(
      async () => {
        last = (await this.list(selector)).filter((p) => p.metadata.deletionTimestamp === undefined);
        return last.length === n && last.every((p) => p.status?.phase === "Running" && isReady(p))
          ? last
          : undefined;
      },
      {
        timeoutMs,
        what: `${n} ready pods of ${selector}`,
        last: () => JSON.stringify(last.map((p) => [p.metadata.name, p.status?.phase, isReady(p)])),
      },
    );
  }

  /** Waits until `probe` answers something for pod `name`. */
  until<T>(name: string, what: string, probe: (p: PodJson) => T | undefined, timeoutMs = 30_000): Promise<T> {
    let last: PodJson | undefined;
    return eventually(
      async () => {
        last = await this.get(name);
        return probe(last);
      },
      { timeoutMs, what, last: () => JSON.stringify(last?.status ?? {}) },
    );
  }
}
