import { describe, expect, it } from "vitest";
import { ApiClient } from "../api/registry/client.js";
import { newRegistry } from "../api/registry/registry.test-util.js";
import type { KubeObject } from "../api/types.js";
import { containerEnv, expandCommand } from "./env.js";
import { ContainerStartFailure } from "./pod-runtime.js";
import { PodObjects } from "./runtime-objects.js";
import type { PodContainer } from "./runtime-types.js";

async function objects(): Promise<PodObjects> {
  const client = new ApiClient((await newRegistry()).registry);
  await client.resource({ apiVersion: "v1", kind: "ConfigMap" }).create({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cm", namespace: "default" },
    data: { A: "from-cm", B: "b", "1st": "only-with-a-prefix" },
  });
  await client.resource({ apiVersion: "v1", kind: "Secret" }).create({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "sec", namespace: "default" },
    data: { A: Buffer.from("from-secret").toString("base64") },
  });
  return new PodObjects(client, "default");
}

const pod = (container: PodContainer): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default", uid: "u-1", labels: { tier: "web" }, annotations: { a: "1" } },
  spec: { nodeName: "n1", serviceAccountName: "sa", containers: [container] },
});

async function envOf(c: PodContainer): Promise<Map<string, string>> {
  return containerEnv({
    pod: pod(c),
    container: c,
    objects: await objects(),
    podIP: "10.0.0.5",
    hostIP: "192.168.1.2",
    node: { cpu: 4, memory: 8 * 2 ** 30 },
  });
}

async function failure(c: PodContainer): Promise<ContainerStartFailure> {
  const err = await envOf(c).catch((e: unknown) => e);
  if (!(err instanceof ContainerStartFailure)) throw new Error(`expected a failure, got ${String(err)}`);
  return err;
}

describe("containerEnv (the kubelet's makeEnvironmentVariables)", () => {
  it("layers envFrom (later sources win, prefix, invalid keys skipped) under env", async () => {
    const env = await envOf({
      name: "c",
      envFrom: [
        { configMapRef: { name: "cm" } },
        { secretRef: { name: "sec" } },
        { prefix: "P_", configMapRef: { name: "cm" } },
      ],
      env: [{ name: "B", value: "explicit-$(A)" }],
    });
    expect(Object.fromEntries(env)).toEqual({
      A: "from-secret",
      B: "explicit-from-secret",
      P_A: "from-cm",
      P_B: "b",
      P_1st: "only-with-a-prefix", // "1st" alone is no valid name
    });
  });

  it("resolves the downward API and resource fields", async () => {
    const c: PodContainer = {
      name: "c",
      resources: { limits: { cpu: "1500m", memory: "128Mi" }, requests: { cpu: "250m" } },
      env: [
        { name: "NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        { name: "UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
        { name: "TIER", valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
        { name: "NOPE", valueFrom: { fieldRef: { fieldPath: "metadata.labels['nope']" } } },
        { name: "ANN", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['a']" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "SA", valueFrom: { fieldRef: { fieldPath: "spec.serviceAccountName" } } },
        { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "HOST", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
        { name: "CPU_M", valueFrom: { resourceFieldRef: { resource: "requests.cpu", divisor: "1m" } } },
        { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
        { name: "EPHEMERAL", valueFrom: { resourceFieldRef: { resource: "limits.ephemeral-storage" } } },
      ],
    };
    expect(Object.fromEntries(await envOf(c))).toEqual({
      NAME: "p",
      NS: "default",
      UID: "u-1",
      TIER: "web",
      NOPE: "",
      ANN: "1",
      NODE: "n1",
      SA: "sa",
      IP: "10.0.0.5",
      HOST: "192.168.1.2",
      CPU: "2",
      CPU_M: "250",
      MEM: "128",
      EPHEMERAL: "0",
    });
    const noLimit = await envOf({
      name: "c",
      env: [{ name: "M", valueFrom: { resourceFieldRef: { resource: "limits.memory" } } }],
    });
    expect(noLimit.get("M")).toBe(String(8 * 2 ** 30));
  });

  it("leaves optional misses out and words the others as Kubernetes does", async () => {
    const env = await envOf({
      name: "c",
      envFrom: [{ configMapRef: { name: "gone", optional: true } }],
      env: [
        { name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "zz", optional: true } } },
        { name: "Y", valueFrom: { secretKeyRef: { name: "gone", key: "k", optional: true } } },
      ],
    });
    expect([...env.keys()]).toEqual([]);
    expect((await failure({ name: "c", envFrom: [{ secretRef: { name: "gone" } }] })).message).toBe(
      'secret "gone" not found',
    );
    const noKey = await failure({
      name: "c",
      env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "zz" } } }],
    });
    expect(noKey).toMatchObject({
      reason: "CreateContainerConfigError",
      message: "couldn't find key zz in ConfigMap default/cm",
    });
    const noSecretKey = await failure({
      name: "c",
      env: [{ name: "X", valueFrom: { secretKeyRef: { name: "sec", key: "k" } } }],
    });
    expect(noSecretKey.message).toBe("couldn't find key k in Secret default/sec");
  });

  it("expands $(VAR) in command and args over the final environment", () => {
    const env = new Map([["WHO", "world"]]);
    expect(expandCommand(["echo", "$(WHO)", "$$(WHO)", "$(NONE)"], env)).toEqual([
      "echo",
      "world",
      "$(WHO)",
      "$(NONE)",
    ]);
    expect(expandCommand(undefined, env)).toBeUndefined();
  });
});
