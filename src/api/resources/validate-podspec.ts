// ValidatePodSpec and its parts (pkg/apis/core/validation): the checks kubectl users commonly hit,
// with the real field paths and words.

import type { StatusCause } from "../errors.js";
import { duplicate, forbidden, invalidValue, notFoundValue, notSupported, required } from "./field-errors.js";
import { GoLiteral } from "./go-format.js";
import { isObject, listAt, numAt, objAt, strAt } from "./json.js";
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName } from "./names.js";
import { parseQuantity, QUANTITY_SYNTAX_ERROR } from "./quantity.js";
import { validateLabels } from "./validate-meta.js";

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"];

export function validatePortNumber(port: unknown, path: string): StatusCause[] {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
    return [invalidValue(path, port, "must be between 1 and 65535, inclusive")];
  return [];
}

/** IANA service names (container and service port names). */
export function validatePortName(name: string, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (name.length > 15) out.push(invalidValue(path, name, "must be no more than 15 characters"));
  if (!/^[-a-z0-9]+$/.test(name))
    out.push(
      invalidValue(path, name, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
    );
  if (name.includes("--")) out.push(invalidValue(path, name, "must not contain consecutive hyphens"));
  if (!/[a-z]/.test(name)) out.push(invalidValue(path, name, "must contain at least one letter (a-z)"));
  if (name.startsWith("-") || name.endsWith("-"))
    out.push(invalidValue(path, name, "must not begin or end with a hyphen"));
  return out;
}

export function validateProtocol(p: unknown, path: string): StatusCause[] {
  if (p === undefined) return [];
  if (p === "") return [required(path)];
  return PROTOCOLS.includes(String(p)) ? [] : [notSupported(path, p, PROTOCOLS)];
}

function validateResourceList(list: unknown, path: string): StatusCause[] {
  if (!isObject(list)) return [];
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(list)) {
    const q = parseQuantity(v);
    if (q === undefined) out.push(invalidValue(`${path}[${k}]`, v, QUANTITY_SYNTAX_ERROR));
    else if (q < 0)
      out.push(
        invalidValue(
          `${path}[${k}]`,
          new GoLiteral(JSON.stringify(String(v))),
          "must be greater than or equal to 0",
        ),
      );
  }
  return out;
}

function validateResources(r: unknown, path: string): StatusCause[] {
  if (!isObject(r)) return [];
  const out = [
    ...validateResourceList(r.limits, `${path}.limits`),
    ...validateResourceList(r.requests, `${path}.requests`),
  ];
  const limits = objAt(r, "limits") ?? {};
  const requests = objAt(r, "requests") ?? {};
  for (const [k, v] of Object.entries(requests)) {
    const req = parseQuantity(v);
    const lim = parseQuantity(limits[k]);
    if (req !== undefined && lim !== undefined && req > lim)
      out.push(
        invalidValue(
          `${path}.requests`,
          String(v),
          `must be less than or equal to ${k} limit of ${String(limits[k])}`,
        ),
      );
  }
  return out;
}

function validateContainer(c: unknown, path: string, volumes: Set<string>, seen: Set<string>): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isObject(c)) return [required(path)];
  const name = strAt(c, "name");
  if (!name) out.push(required(`${path}.name`));
  else {
    for (const msg of isDNS1123Label(name)) out.push(invalidValue(`${path}.name`, name, msg));
    if (seen.has(name)) out.push(duplicate(`${path}.name`, name));
    seen.add(name);
  }
  if (!strAt(c, "image")?.trim()) out.push(required(`${path}.image`));
  const pull = c.imagePullPolicy;
  if (pull !== undefined && !PULL_POLICIES.includes(String(pull)))
    out.push(notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  const tmp = c.terminationMessagePolicy;
  if (tmp !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(String(tmp)))
    out.push(notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  const portNames = new Set<string>();
  listAt(c, "ports").forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    const containerPort = isObject(p) ? p.containerPort : undefined;
    if (containerPort === undefined || containerPort === 0) out.push(required(`${pp}.containerPort`));
    else out.push(...validatePortNumber(containerPort, `${pp}.containerPort`));
    const hostPort = numAt(p, "hostPort");
    if (hostPort !== undefined && hostPort !== 0) out.push(...validatePortNumber(hostPort, `${pp}.hostPort`));
    out.push(...validateProtocol(isObject(p) ? p.protocol : undefined, `${pp}.protocol`));
    const pn = strAt(p, "name");
    if (pn) {
      out.push(...validatePortName(pn, `${pp}.name`));
      if (portNames.has(pn)) out.push(duplicate(`${pp}.name`, pn));
      portNames.add(pn);
    }
  });
  listAt(c, "env").forEach((e, i) => {
    const en = strAt(e, "name");
    if (!en) out.push(required(`${path}.env[${i}].name`));
    else for (const msg of isEnvVarName(en)) out.push(invalidValue(`${path}.env[${i}].name`, en, msg));
    const from = objAt(e, "valueFrom");
    if (from && strAt(e, "value"))
      out.push(
        invalidValue(`${path}.env[${i}].valueFrom`, "", "may not be specified when `value` is not empty"),
      );
    for (const ref of ["configMapKeyRef", "secretKeyRef"]) {
      const key = strAt(objAt(from, ref), "key");
      if (objAt(from, ref) && !key) out.push(required(`${path}.env[${i}].valueFrom.${ref}.key`));
      else if (key)
        for (const msg of isConfigMapKey(key))
          out.push(invalidValue(`${path}.env[${i}].valueFrom.${ref}.key`, key, msg));
    }
  });
  out.push(...validateResources(c.resources, `${path}.resources`));
  const mountPaths = new Set<string>();
  listAt(c, "volumeMounts").forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    const vn = strAt(m, "name");
    if (!vn) out.push(required(`${mp}.name`));
    else if (!volumes.has(vn)) out.push(notFoundValue(`${mp}.name`, vn));
    const mount = strAt(m, "mountPath");
    if (!mount) out.push(required(`${mp}.mountPath`));
    else if (mountPaths.has(mount)) out.push(invalidValue(`${mp}.mountPath`, mount, "must be unique"));
    else mountPaths.add(mount);
  });
  return out;
}

function validateVolumes(spec: unknown, path: string): { causes: StatusCause[]; names: Set<string> } {
  const out: StatusCause[] = [];
  const names = new Set<string>();
  listAt(spec, "volumes").forEach((v, i) => {
    const vp = `${path}.volumes[${i}]`;
    const name = strAt(v, "name");
    if (!name) out.push(required(`${vp}.name`));
    else {
      for (const msg of isDNS1123Label(name)) out.push(invalidValue(`${vp}.name`, name, msg));
      if (names.has(name)) out.push(duplicate(`${vp}.name`, name));
      names.add(name);
    }
    const sources = isObject(v)
      ? Object.keys(v).filter((k) => k !== "name" && v[k] !== null && v[k] !== undefined)
      : [];
    if (sources.length === 0) out.push(required(vp, "must specify a volume type"));
    else if (sources.length > 1)
      out.push(forbidden(`${vp}.${sources[1]}`, "may not specify more than 1 volume type"));
    const cm = objAt(v, "configMap");
    if (cm && !strAt(cm, "name")) out.push(required(`${vp}.configMap.name`));
    const secret = objAt(v, "secret");
    if (secret && !strAt(secret, "secretName")) out.push(required(`${vp}.secret.secretName`));
    const pvc = objAt(v, "persistentVolumeClaim");
    if (pvc && !strAt(pvc, "claimName")) out.push(required(`${vp}.persistentVolumeClaim.claimName`));
    const hp = objAt(v, "hostPath");
    if (hp && !strAt(hp, "path")) out.push(required(`${vp}.hostPath.path`));
  });
  return { causes: out, names };
}

/**
 * ValidatePodSpec at `path` ("spec" for a Pod, "spec.template.spec" in a template).
 * `restartPolicies` narrows the allowed restart policies (workload templates: only Always).
 */
export function validatePodSpec(
  spec: unknown,
  path: string,
  o: { restartPolicies?: string[] } = {},
): StatusCause[] {
  if (!isObject(spec)) return [required(path)];
  const { causes: out, names: volumes } = validateVolumes(spec, path);
  const containers = listAt(spec, "containers");
  if (containers.length === 0) out.push(required(`${path}.containers`));
  const seen = new Set<string>();
  // Containers before init containers, as ValidatePodSpec checks them; names are unique across both.
  for (const [list, items] of [
    ["containers", containers],
    ["initContainers", listAt(spec, "initContainers")],
  ] as const) {
    items.forEach((c, i) => out.push(...validateContainer(c, `${path}.${list}[${i}]`, volumes, seen)));
  }
  const rp = spec.restartPolicy;
  const allowed = o.restartPolicies ?? RESTART_POLICIES;
  if (rp !== undefined && !allowed.includes(String(rp)))
    out.push(notSupported(`${path}.restartPolicy`, rp, allowed));
  const dns = spec.dnsPolicy;
  if (dns !== undefined && !DNS_POLICIES.includes(String(dns)))
    out.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  const grace = numAt(spec, "terminationGracePeriodSeconds");
  if (grace !== undefined && grace < 0)
    out.push(
      invalidValue(`${path}.terminationGracePeriodSeconds`, grace, "must be greater than or equal to 0"),
    );
  const deadline = numAt(spec, "activeDeadlineSeconds");
  if (deadline !== undefined && deadline < 1)
    out.push(
      invalidValue(`${path}.activeDeadlineSeconds`, deadline, "must be between 1 and 2147483647, inclusive"),
    );
  out.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  const sa = strAt(spec, "serviceAccountName");
  if (sa)
    for (const msg of isDNS1123Subdomain(sa)) out.push(invalidValue(`${path}.serviceAccountName`, sa, msg));
  return out;
}
