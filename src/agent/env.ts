// A container's environment as the kubelet makes it (makeEnvironmentVariables): envFrom first
// (configMapRef/secretRef, with prefix; later sources override earlier ones; keys that are not
// valid names are skipped), then env in order — `value` with `$(VAR)` expanded over what is
// defined so far, `valueFrom` configMapKeyRef / secretKeyRef / fieldRef / resourceFieldRef
// unexpanded. A missing object or key that is not optional is a CreateContainerConfigError
// worded as Kubernetes words it.
import type { KubeObject } from "../api/types.js";
import { envFieldValue, envResourceValue, type NodeResources } from "./env-fields.js";
import { expand, lookupIn } from "./env-expand.js";
import { ContainerStartFailure } from "./pod-runtime.js";
import { notFoundMessage, type PodObjects, type SourceKind } from "./runtime-objects.js";
import type { EnvVar, KeyRef, PodContainer } from "./runtime-types.js";

export interface EnvContext {
  pod: KubeObject;
  container: PodContainer;
  objects: PodObjects;
  podIP: string;
  hostIP: string;
  node: NodeResources;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function configError(message: string): ContainerStartFailure {
  return new ContainerStartFailure("CreateContainerConfigError", message);
}

/** The container's variables, in order (later ones already override earlier ones). */
export async function containerEnv(c: EnvContext): Promise<Map<string, string>> {
  const env = new Map<string, string>();
  const namespace = c.pod.metadata.namespace ?? "default";
  for (const from of c.container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (ref === undefined) continue;
    const kind: SourceKind = from.configMapRef !== undefined ? "configmap" : "secret";
    const name = ref.name ?? "";
    const data = await c.objects.data(kind, name);
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw configError(notFoundMessage(kind, name));
    }
    for (const [key, value] of data) {
      const k = `${from.prefix ?? ""}${key}`;
      if (ENV_NAME.test(k)) env.set(k, value.toString("utf8"));
    }
  }
  for (const v of c.container.env ?? []) {
    const value = await envValue(c, v, env, namespace);
    if (value !== undefined) {
      env.delete(v.name); // re-set: keeps the order of definition
      env.set(v.name, value);
    }
  }
  return env;
}

async function envValue(
  c: EnvContext,
  v: EnvVar,
  defined: Map<string, string>,
  namespace: string,
): Promise<string | undefined> {
  const from = v.valueFrom;
  if (from === undefined) return expand(v.value ?? "", lookupIn(defined));
  if (from.configMapKeyRef !== undefined) return keyValue(c, "configmap", from.configMapKeyRef, namespace);
  if (from.secretKeyRef !== undefined) return keyValue(c, "secret", from.secretKeyRef, namespace);
  if (from.fieldRef !== undefined) {
    return envFieldValue(c.pod, from.fieldRef.fieldPath, { podIP: c.podIP, hostIP: c.hostIP });
  }
  if (from.resourceFieldRef !== undefined) {
    return envResourceValue(c.pod, c.container, from.resourceFieldRef, c.node);
  }
  return v.value ?? "";
}

/** A key of a ConfigMap/Secret; undefined (the variable is left out) when optional and missing. */
async function keyValue(
  c: EnvContext,
  kind: SourceKind,
  ref: KeyRef,
  namespace: string,
): Promise<string | undefined> {
  const name = ref.name ?? "";
  const data = await c.objects.data(kind, name);
  if (data === undefined) {
    if (ref.optional === true) return undefined;
    throw configError(notFoundMessage(kind, name));
  }
  const value = data.get(ref.key);
  if (value === undefined) {
    if (ref.optional === true) return undefined;
    const what = kind === "configmap" ? "ConfigMap" : "Secret";
    throw configError(`couldn't find key ${ref.key} in ${what} ${namespace}/${name}`);
  }
  return value.toString("utf8");
}

/** Command and args with `$(VAR)` expanded over the container's environment. */
export function expandCommand(
  list: readonly string[] | undefined,
  env: Map<string, string>,
): string[] | undefined {
  return list?.map((s) => expand(s, lookupIn(env)));
}
