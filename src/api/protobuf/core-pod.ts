// core/v1 PodSpec and what it holds (field numbers of k8s.io/api core/v1 generated.proto).
import { metadata, LabelSelector } from "./meta.js";
import { bool, field, i32, i64, inline, msg, msgs, str, strMap, strs, type MessageDef } from "./schema.js";

const quantityMap = (name: string) => field(name, "quantity", { map: true });

export const LocalObjectReference: MessageDef = { 1: str("name") };
const KeyToPath: MessageDef = { 1: str("key"), 2: str("path"), 3: i32("mode", { pointer: true }) };
const ObjectFieldSelector: MessageDef = { 1: str("apiVersion"), 2: str("fieldPath") };
const ResourceFieldSelector: MessageDef = {
  1: str("containerName"),
  2: str("resource"),
  3: field("divisor", "quantity"),
};
const ConfigMapKeySelector: MessageDef = {
  1: inline(() => LocalObjectReference),
  2: str("key"),
  3: bool("optional", { pointer: true }),
};
const EnvVarSource: MessageDef = {
  1: msg("fieldRef", () => ObjectFieldSelector),
  2: msg("resourceFieldRef", () => ResourceFieldSelector),
  3: msg("configMapKeyRef", () => ConfigMapKeySelector),
  4: msg("secretKeyRef", () => ConfigMapKeySelector),
};
const EnvVar: MessageDef = { 1: str("name"), 2: str("value"), 3: msg("valueFrom", () => EnvVarSource) };
const EnvFromSource: MessageDef = {
  1: str("prefix"),
  2: msg("configMapRef", () => OptionalRef),
  3: msg("secretRef", () => OptionalRef),
};
const OptionalRef: MessageDef = {
  1: inline(() => LocalObjectReference),
  2: bool("optional", { pointer: true }),
};
const ContainerPort: MessageDef = {
  1: str("name"),
  2: i32("hostPort"),
  3: i32("containerPort"),
  4: str("protocol"),
  5: str("hostIP"),
};
const ResourceRequirements: MessageDef = { 1: quantityMap("limits"), 2: quantityMap("requests") };
const VolumeMount: MessageDef = {
  1: str("name"),
  2: bool("readOnly"),
  3: str("mountPath"),
  4: str("subPath"),
  5: str("mountPropagation", { pointer: true }),
  6: str("subPathExpr"),
};
const ExecAction: MessageDef = { 1: strs("command") };
const HTTPHeader: MessageDef = { 1: str("name"), 2: str("value") };
const HTTPGetAction: MessageDef = {
  1: str("path"),
  2: field("port", "intOrString"),
  3: str("host"),
  4: str("scheme"),
  5: msgs("httpHeaders", () => HTTPHeader),
};
const TCPSocketAction: MessageDef = { 1: field("port", "intOrString"), 2: str("host") };
const GRPCAction: MessageDef = { 1: i32("port"), 2: str("service", { pointer: true }) };
const ProbeHandler: MessageDef = {
  1: msg("exec", () => ExecAction),
  2: msg("httpGet", () => HTTPGetAction),
  3: msg("tcpSocket", () => TCPSocketAction),
  4: msg("grpc", () => GRPCAction),
};
const Probe: MessageDef = {
  1: inline(() => ProbeHandler),
  2: i32("initialDelaySeconds"),
  3: i32("timeoutSeconds"),
  4: i32("periodSeconds"),
  5: i32("successThreshold"),
  6: i32("failureThreshold"),
  7: i64("terminationGracePeriodSeconds", { pointer: true }),
};
const LifecycleHandler: MessageDef = {
  1: msg("exec", () => ExecAction),
  2: msg("httpGet", () => HTTPGetAction),
  3: msg("tcpSocket", () => TCPSocketAction),
};
const Lifecycle: MessageDef = {
  1: msg("postStart", () => LifecycleHandler),
  2: msg("preStop", () => LifecycleHandler),
};
const SeccompProfile: MessageDef = { 1: str("type"), 2: str("localhostProfile", { pointer: true }) };
const Capabilities: MessageDef = { 1: strs("add"), 2: strs("drop") };
const SecurityContext: MessageDef = {
  1: msg("capabilities", () => Capabilities),
  2: bool("privileged", { pointer: true }),
  4: i64("runAsUser", { pointer: true }),
  5: bool("runAsNonRoot", { pointer: true }),
  6: bool("readOnlyRootFilesystem", { pointer: true }),
  7: bool("allowPrivilegeEscalation", { pointer: true }),
  8: i64("runAsGroup", { pointer: true }),
  9: str("procMount", { pointer: true }),
  11: msg("seccompProfile", () => SeccompProfile),
};
export const Container: MessageDef = {
  1: str("name"),
  2: str("image"),
  3: strs("command"),
  4: strs("args"),
  5: str("workingDir"),
  6: msgs("ports", () => ContainerPort),
  7: msgs("env", () => EnvVar),
  8: msg("resources", () => ResourceRequirements),
  9: msgs("volumeMounts", () => VolumeMount),
  10: msg("livenessProbe", () => Probe),
  11: msg("readinessProbe", () => Probe),
  12: msg("lifecycle", () => Lifecycle),
  13: str("terminationMessagePath"),
  14: str("imagePullPolicy"),
  15: msg("securityContext", () => SecurityContext),
  16: bool("stdin"),
  17: bool("stdinOnce"),
  18: bool("tty"),
  19: msgs("envFrom", () => EnvFromSource),
  20: str("terminationMessagePolicy"),
  21: msgs("volumeDevices", () => ({ 1: str("name"), 2: str("devicePath") })),
  22: msg("startupProbe", () => Probe),
  24: str("restartPolicy", { pointer: true }),
};
const HostPathVolumeSource: MessageDef = { 1: str("path"), 2: str("type", { pointer: true }) };
const EmptyDirVolumeSource: MessageDef = { 1: str("medium"), 2: field("sizeLimit", "quantity") };
const SecretVolumeSource: MessageDef = {
  1: str("secretName"),
  2: msgs("items", () => KeyToPath),
  3: i32("defaultMode", { pointer: true }),
  4: bool("optional", { pointer: true }),
};
const ConfigMapVolumeSource: MessageDef = {
  1: inline(() => LocalObjectReference),
  2: msgs("items", () => KeyToPath),
  3: i32("defaultMode", { pointer: true }),
  4: bool("optional", { pointer: true }),
};
const PVCVolumeSource: MessageDef = { 1: str("claimName"), 2: bool("readOnly") };
const VolumeSource: MessageDef = {
  1: msg("hostPath", () => HostPathVolumeSource),
  2: msg("emptyDir", () => EmptyDirVolumeSource),
  6: msg("secret", () => SecretVolumeSource),
  10: msg("persistentVolumeClaim", () => PVCVolumeSource),
  19: msg("configMap", () => ConfigMapVolumeSource),
};
const Volume: MessageDef = { 1: str("name"), 2: inline(() => VolumeSource) };
const PodSecurityContext: MessageDef = {
  2: i64("runAsUser", { pointer: true }),
  3: bool("runAsNonRoot", { pointer: true }),
  4: field("supplementalGroups", "int64", { repeated: true }),
  5: i64("fsGroup", { pointer: true }),
  6: i64("runAsGroup", { pointer: true }),
  7: msgs("sysctls", () => ({ 1: str("name"), 2: str("value") })),
  9: str("fsGroupChangePolicy", { pointer: true }),
  10: msg("seccompProfile", () => SeccompProfile),
};
const Toleration: MessageDef = {
  1: str("key"),
  2: str("operator"),
  3: str("value"),
  4: str("effect"),
  5: i64("tolerationSeconds", { pointer: true }),
};
const PodDNSConfig: MessageDef = {
  1: strs("nameservers"),
  2: strs("searches"),
  3: msgs("options", () => ({ 1: str("name"), 2: str("value", { pointer: true }) })),
};
export const PodSpec: MessageDef = {
  1: msgs("volumes", () => Volume),
  2: msgs("containers", () => Container),
  3: str("restartPolicy"),
  4: i64("terminationGracePeriodSeconds", { pointer: true }),
  5: i64("activeDeadlineSeconds", { pointer: true }),
  6: str("dnsPolicy"),
  7: strMap("nodeSelector"),
  8: str("serviceAccountName"),
  9: str("serviceAccount"),
  10: str("nodeName"),
  11: bool("hostNetwork"),
  12: bool("hostPID"),
  13: bool("hostIPC"),
  14: msg("securityContext", () => PodSecurityContext),
  15: msgs("imagePullSecrets", () => LocalObjectReference),
  16: str("hostname"),
  17: str("subdomain"),
  19: str("schedulerName"),
  20: msgs("initContainers", () => Container),
  21: bool("automountServiceAccountToken", { pointer: true }),
  22: msgs("tolerations", () => Toleration),
  23: msgs("hostAliases", () => ({ 1: str("ip"), 2: strs("hostnames") })),
  24: str("priorityClassName"),
  25: i32("priority", { pointer: true }),
  26: msg("dnsConfig", () => PodDNSConfig),
  27: bool("shareProcessNamespace", { pointer: true }),
  28: msgs("readinessGates", () => ({ 1: str("conditionType") })),
  29: str("runtimeClassName", { pointer: true }),
  30: bool("enableServiceLinks", { pointer: true }),
  31: str("preemptionPolicy", { pointer: true }),
  35: bool("setHostnameAsFQDN", { pointer: true }),
  37: bool("hostUsers", { pointer: true }),
};
export const PodTemplateSpec: MessageDef = { 1: metadata(), 2: msg("spec", () => PodSpec) };
export const Pod: MessageDef = { 1: metadata(), 2: msg("spec", () => PodSpec), 3: msg("status", () => ({})) };

export { LabelSelector };
