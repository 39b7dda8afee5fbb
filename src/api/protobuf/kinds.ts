// The kinds whose protobuf form Skiff reads, by apiVersion and kind: what kubectl's typed
// commands (create namespace|configmap|secret|deployment|service|serviceaccount|role|
// rolebinding|clusterrole|clusterrolebinding|quota|ingress, autoscale, auth can-i) send.
import { Condition, LabelSelector, metadata } from "./meta.js";
import { LocalObjectReference, PodSpec, PodTemplateSpec, Pod } from "./core-pod.js";
import { Binding, DeleteOptions, Eviction } from "./kinds-subresource.js";
import { bool, field, i32, i64, inline, msg, msgs, str, strMap, strs, type MessageDef } from "./schema.js";

const status = () => msg("status", () => ({}));

const Namespace: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({ 1: strs("finalizers") })),
  3: msg("status", () => ({ 1: str("phase"), 2: msgs("conditions", () => Condition) })),
};
const ConfigMap: MessageDef = {
  1: metadata(),
  2: strMap("data"),
  3: field("binaryData", "bytes", { map: true }),
  4: bool("immutable", { pointer: true }),
};
const Secret: MessageDef = {
  1: metadata(),
  2: field("data", "bytes", { map: true }),
  3: str("type"),
  4: strMap("stringData"),
  5: bool("immutable", { pointer: true }),
};
const ObjectReference: MessageDef = {
  1: str("kind"),
  2: str("namespace"),
  3: str("name"),
  4: str("uid"),
  5: str("apiVersion"),
  6: str("resourceVersion"),
  7: str("fieldPath"),
};
const ServiceAccount: MessageDef = {
  1: metadata(),
  2: msgs("secrets", () => ObjectReference),
  3: msgs("imagePullSecrets", () => LocalObjectReference),
  4: bool("automountServiceAccountToken", { pointer: true }),
};
const ServicePort: MessageDef = {
  1: str("name"),
  2: str("protocol"),
  3: i32("port"),
  4: field("targetPort", "intOrString"),
  5: i32("nodePort"),
  6: str("appProtocol", { pointer: true }),
};
const ServiceSpec: MessageDef = {
  1: msgs("ports", () => ServicePort),
  2: strMap("selector"),
  3: str("clusterIP"),
  4: str("type"),
  5: strs("externalIPs"),
  7: str("sessionAffinity"),
  8: str("loadBalancerIP"),
  9: strs("loadBalancerSourceRanges"),
  10: str("externalName"),
  11: str("externalTrafficPolicy"),
  12: i32("healthCheckNodePort"),
  13: bool("publishNotReadyAddresses"),
  14: msg("sessionAffinityConfig", () => ({
    1: msg("clientIP", () => ({ 1: i32("timeoutSeconds", { pointer: true }) })),
  })),
  17: str("ipFamilyPolicy", { pointer: true }),
  18: strs("clusterIPs"),
  19: strs("ipFamilies"),
  20: bool("allocateLoadBalancerNodePorts", { pointer: true }),
  21: str("loadBalancerClass", { pointer: true }),
  22: str("internalTrafficPolicy", { pointer: true }),
  23: str("trafficDistribution", { pointer: true }),
};
const Service: MessageDef = { 1: metadata(), 2: msg("spec", () => ServiceSpec), 3: status() };
const ResourceQuota: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({ 1: field("hard", "quantity", { map: true }), 2: strs("scopes") })),
  3: status(),
};

const RollingUpdate: MessageDef = {
  1: field("maxUnavailable", "intOrString"),
  2: field("maxSurge", "intOrString"),
};
const DeploymentSpec: MessageDef = {
  1: i32("replicas", { pointer: true }),
  2: msg("selector", () => LabelSelector),
  3: msg("template", () => PodTemplateSpec),
  4: msg("strategy", () => ({ 1: str("type"), 2: msg("rollingUpdate", () => RollingUpdate) })),
  5: i32("minReadySeconds"),
  6: i32("revisionHistoryLimit", { pointer: true }),
  7: bool("paused"),
  9: i32("progressDeadlineSeconds", { pointer: true }),
};
const Deployment: MessageDef = { 1: metadata(), 2: msg("spec", () => DeploymentSpec), 3: status() };

const CrossVersionObjectReference: MessageDef = { 1: str("kind"), 2: str("name"), 3: str("apiVersion") };
const HorizontalPodAutoscalerV1: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({
    1: msg("scaleTargetRef", () => CrossVersionObjectReference),
    2: i32("minReplicas", { pointer: true }),
    // No omitempty on maxReplicas and the status counts: JSON shows their zeros.
    3: i32("maxReplicas", { pointer: true }),
    4: i32("targetCPUUtilizationPercentage", { pointer: true }),
  })),
  3: msg("status", () => ({
    1: i64("observedGeneration", { pointer: true }),
    2: field("lastScaleTime", "time"),
    3: i32("currentReplicas", { pointer: true }),
    4: i32("desiredReplicas", { pointer: true }),
    5: i32("currentCPUUtilizationPercentage", { pointer: true }),
  })),
};

const PolicyRule: MessageDef = {
  1: strs("verbs"),
  2: strs("apiGroups"),
  3: strs("resources"),
  4: strs("resourceNames"),
  5: strs("nonResourceURLs"),
};
const Subject: MessageDef = { 1: str("kind"), 2: str("apiGroup"), 3: str("name"), 4: str("namespace") };
const RoleRef: MessageDef = { 1: str("apiGroup"), 2: str("kind"), 3: str("name") };
const Role: MessageDef = { 1: metadata(), 2: msgs("rules", () => PolicyRule) };
const ClusterRole: MessageDef = {
  1: metadata(),
  2: msgs("rules", () => PolicyRule),
  3: msg("aggregationRule", () => ({ 1: msgs("clusterRoleSelectors", () => LabelSelector) })),
};
const RoleBinding: MessageDef = {
  1: metadata(),
  2: msgs("subjects", () => Subject),
  3: msg("roleRef", () => RoleRef),
};

const ResourceAttributes: MessageDef = {
  1: str("namespace"),
  2: str("verb"),
  3: str("group"),
  4: str("version"),
  5: str("resource"),
  6: str("subresource"),
  7: str("name"),
};
const NonResourceAttributes: MessageDef = { 1: str("path"), 2: str("verb") };
const SelfSubjectAccessReview: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({
    1: msg("resourceAttributes", () => ResourceAttributes),
    2: msg("nonResourceAttributes", () => NonResourceAttributes),
  })),
  3: status(),
};
const SubjectAccessReview: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({
    1: msg("resourceAttributes", () => ResourceAttributes),
    2: msg("nonResourceAttributes", () => NonResourceAttributes),
    3: str("user"),
    4: strs("groups"),
    6: str("uid"),
  })),
  3: status(),
};

const BoundObjectReference: MessageDef = {
  1: str("kind"),
  2: str("apiVersion"),
  3: str("name"),
  4: str("uid"),
};
const TokenRequest: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({
    1: strs("audiences"),
    3: msg("boundObjectRef", () => BoundObjectReference),
    4: i64("expirationSeconds", { pointer: true }),
  })),
  3: status(),
};

const ServiceBackendPort: MessageDef = { 1: str("name"), 2: i32("number") };
const IngressBackend: MessageDef = {
  3: msg("resource", () => ({ 1: str("apiGroup", { pointer: true }), 2: str("kind"), 3: str("name") })),
  4: msg("service", () => ({ 1: str("name"), 2: msg("port", () => ServiceBackendPort) })),
};
const HTTPIngressPath: MessageDef = {
  1: str("path"),
  2: msg("backend", () => IngressBackend),
  3: str("pathType", { pointer: true }),
};
const IngressRule: MessageDef = {
  1: str("host"),
  2: inline(() => ({ 1: msg("http", () => ({ 1: msgs("paths", () => HTTPIngressPath) })) })),
};
const Ingress: MessageDef = {
  1: metadata(),
  2: msg("spec", () => ({
    1: msg("defaultBackend", () => IngressBackend),
    2: msgs("tls", () => ({ 1: strs("hosts"), 2: str("secretName") })),
    3: msgs("rules", () => IngressRule),
    4: str("ingressClassName", { pointer: true }),
  })),
  3: status(),
};

/** `apiVersion kind` → the kind's message. */
export const KINDS: ReadonlyMap<string, MessageDef> = new Map([
  ["v1 Namespace", Namespace],
  ["v1 ConfigMap", ConfigMap],
  ["v1 Secret", Secret],
  ["v1 ServiceAccount", ServiceAccount],
  ["v1 Service", Service],
  ["v1 ResourceQuota", ResourceQuota],
  ["v1 Pod", Pod],
  ["apps/v1 Deployment", Deployment],
  ["autoscaling/v1 HorizontalPodAutoscaler", HorizontalPodAutoscalerV1],
  ["rbac.authorization.k8s.io/v1 Role", Role],
  ["rbac.authorization.k8s.io/v1 ClusterRole", ClusterRole],
  ["rbac.authorization.k8s.io/v1 RoleBinding", RoleBinding],
  ["rbac.authorization.k8s.io/v1 ClusterRoleBinding", RoleBinding],
  ["authorization.k8s.io/v1 SelfSubjectAccessReview", SelfSubjectAccessReview],
  ["authorization.k8s.io/v1 SubjectAccessReview", SubjectAccessReview],
  ["networking.k8s.io/v1 Ingress", Ingress],
  ["authentication.k8s.io/v1 TokenRequest", TokenRequest],
  ["v1 Binding", Binding],
  ["policy/v1 Eviction", Eviction],
  ["policy/v1beta1 Eviction", Eviction],
  ["v1 DeleteOptions", DeleteOptions],
  ["meta.k8s.io/v1 DeleteOptions", DeleteOptions],
]);

export { PodSpec };
