// Kubernetes' defaulting of PodSpec and containers (pkg/apis/core/v1/defaults.go), shared by Pods
// and by every pod template (Deployment, ReplicaSet, DaemonSet, StatefulSet).

import { child, isObject, listAt, objAt, setDefault, strAt, type JsonObject } from "./json.js";

/** Always for `:latest` or an untagged image, else IfNotPresent (a digest counts as a tag). */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon <= lastSlash) return "Always";
  return image.slice(colon + 1) === "latest" ? "Always" : "IfNotPresent";
}

function setProbeDefaults(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, "timeoutSeconds", 1);
  setDefault(probe, "periodSeconds", 10);
  setDefault(probe, "successThreshold", 1);
  setDefault(probe, "failureThreshold", 3);
  const httpGet = objAt(probe, "httpGet");
  if (httpGet) {
    setDefault(httpGet, "path", "/");
    setDefault(httpGet, "scheme", "HTTP");
  }
}

function setContainerDefaults(c: JsonObject): void {
  const image = strAt(c, "image");
  if (image !== undefined) setDefault(c, "imagePullPolicy", defaultPullPolicy(image));
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  setDefault(c, "resources", {});
  for (const p of listAt(c, "ports")) if (isObject(p)) setDefault(p, "protocol", "TCP");
  for (const e of listAt(c, "env")) {
    const fieldRef = objAt(objAt(e, "valueFrom"), "fieldRef");
    if (fieldRef) setDefault(fieldRef, "apiVersion", "v1");
  }
  for (const name of ["livenessProbe", "readinessProbe", "startupProbe"]) setProbeDefaults(c[name]);
  for (const hook of ["postStart", "preStop"]) {
    const httpGet = objAt(objAt(objAt(c, "lifecycle"), hook), "httpGet");
    if (httpGet) {
      setDefault(httpGet, "path", "/");
      setDefault(httpGet, "scheme", "HTTP");
    }
  }
}

const VOLUME_SOURCES_WITH_MODE = ["secret", "configMap", "downwardAPI", "projected"];

function setVolumeDefaults(v: JsonObject): void {
  const sources = Object.keys(v).filter((k) => k !== "name");
  if (sources.length === 0) v.emptyDir = {};
  for (const s of VOLUME_SOURCES_WITH_MODE) {
    const src = objAt(v, s);
    if (src) setDefault(src, "defaultMode", 420);
  }
  const hostPath = objAt(v, "hostPath");
  if (hostPath) setDefault(hostPath, "type", "");
}

/** Defaults of every PodSpec, whether in a Pod or a template. */
export function setPodSpecDefaults(spec: JsonObject): void {
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "schedulerName", "default-scheduler");
  setDefault(spec, "enableServiceLinks", true);
  const sa = strAt(spec, "serviceAccountName");
  // serviceAccount is a deprecated alias: the server always writes it back as serviceAccountName.
  if (sa) spec.serviceAccount = sa;
  else if (!sa && strAt(spec, "serviceAccount")) spec.serviceAccountName = spec.serviceAccount;
  for (const list of ["initContainers", "containers", "ephemeralContainers"])
    for (const c of listAt(spec, list)) if (isObject(c)) setContainerDefaults(c);
  for (const v of listAt(spec, "volumes")) if (isObject(v)) setVolumeDefaults(v);
}

/** A template's spec defaults (the template's metadata is left as it is). */
export function setPodTemplateDefaults(template: unknown): void {
  if (!isObject(template)) return;
  setPodSpecDefaults(child(template, "spec"));
}

/**
 * What a Pod gets beyond its spec's defaults: admission's service account and priority,
 * default NoExecute tolerations, requests copied from limits.
 */
export function setPodOnlyDefaults(spec: JsonObject): void {
  setDefault(spec, "serviceAccountName", "default");
  setDefault(spec, "serviceAccount", spec.serviceAccountName);
  setDefault(spec, "priority", 0);
  setDefault(spec, "preemptionPolicy", "PreemptLowerPriority");
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    const has = tolerations.some(
      (t) => isObject(t) && (t.key === key || (t.operator === "Exists" && t.key === undefined)),
    );
    if (!has) tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
  for (const list of ["initContainers", "containers"])
    for (const c of listAt(spec, list)) {
      const resources = objAt(c, "resources");
      const limits = objAt(resources, "limits");
      if (!resources || !limits) continue;
      const requests = child(resources, "requests");
      for (const [k, v] of Object.entries(limits)) setDefault(requests, k, v);
    }
}
