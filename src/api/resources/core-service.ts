// core/v1 Service. The cluster IP itself is allocated by the registry (it needs state); this
// file defaults, validates and prints.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { duplicate, forbidden, invalidValue, notSupported, required } from "./field-errors.js";
import { GoLiteral } from "./go-format.js";
import { child, isObject, listAt, numAt, objAt, setDefault, strAt } from "./json.js";
import { isDNS1035Label } from "./names.js";
import { conditions, kindSchema, Condition } from "./schema-meta.js";
import { atomicList, bool, free, int, intOrStr, keyedList, obj, str, strMap } from "./schema.js";
import { col, formatLabels, listOrNone } from "./table.js";
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";
import { validatePortName, validatePortNumber, validateProtocol } from "./validate-podspec.js";

const gvk = { group: "", version: "v1", kind: "Service" };
const core = (n: string) => `io.k8s.api.core.v1.${n}`;
const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

const ServicePort = obj(
  {
    appProtocol: str("The application protocol for this port."),
    name: str("The name of this port within the service; required when there is more than one port."),
    nodePort: int(
      "The port on each node on which this service is exposed when type is NodePort or LoadBalancer.",
    ),
    port: int("The port that will be exposed by this service."),
    protocol: str('The IP protocol for this port: "TCP", "UDP" or "SCTP"; default is TCP.'),
    targetPort: intOrStr(
      "Number or name of the port to access on the pods targeted by the service; defaults to port.",
    ),
  },
  { name: core("ServicePort"), required: ["port"], d: "ServicePort contains information on service's port." },
);

const LoadBalancerIngress = obj(
  {
    hostname: str("Set for load-balancer ingress points that are DNS based."),
    ip: str("Set for load-balancer ingress points that are IP based."),
    ipMode: str("How the load-balancer IP behaves: VIP or Proxy."),
    ports: atomicList(free(), "Records of service ports."),
  },
  { name: core("LoadBalancerIngress") },
);
export const LoadBalancerStatus = obj(
  { ingress: atomicList(LoadBalancerIngress, "A list containing ingress points for the load-balancer.") },
  { name: core("LoadBalancerStatus"), d: "Represents the status of a load-balancer." },
);

const schema = kindSchema(
  gvk,
  core("Service"),
  {
    spec: obj(
      {
        allocateLoadBalancerNodePorts: bool(
          "Whether NodePorts will be automatically allocated for services with type LoadBalancer.",
        ),
        clusterIP: str(
          "The IP address of the service, usually assigned randomly; None makes a headless service.",
        ),
        clusterIPs: atomicList(str(), "IP addresses assigned to this service."),
        externalIPs: atomicList(
          str(),
          "IP addresses for which nodes in the cluster will also accept traffic for this service.",
        ),
        externalName: str(
          "The external reference that discovery mechanisms will return as an alias (type ExternalName).",
        ),
        externalTrafficPolicy: str(
          "How nodes distribute service traffic they receive on externally-facing addresses: Cluster or Local.",
        ),
        healthCheckNodePort: int("The healthcheck nodePort for the service."),
        internalTrafficPolicy: str(
          "How nodes distribute service traffic they receive on the ClusterIP: Cluster or Local.",
        ),
        ipFamilies: atomicList(str(), "The IP families (IPv4, IPv6) assigned to this service."),
        ipFamilyPolicy: str(
          "The dual-stack-ness requested or required by this Service: SingleStack, PreferDualStack or RequireDualStack.",
        ),
        loadBalancerClass: str("The class of the load balancer implementation this Service belongs to."),
        loadBalancerIP: str("Deprecated: the IP for a LoadBalancer service."),
        loadBalancerSourceRanges: atomicList(str(), "Client IPs allowed to reach the load balancer."),
        ports: keyedList(ServicePort, ["port", "protocol"], {
          d: "The list of ports that are exposed by this service.",
        }),
        publishNotReadyAddresses: bool("Whether endpoints of not-ready pods are published."),
        selector: {
          ...strMap("Route service traffic to pods with label keys and values matching this selector."),
          mapType: "atomic",
        },
        sessionAffinity: str('Supports "ClientIP" and "None"; default is None.'),
        sessionAffinityConfig: free("The configurations of session affinity."),
        trafficDistribution: str("How traffic is distributed to Service endpoints."),
        type: str(
          "How the Service is exposed: ClusterIP, ExternalName, NodePort or LoadBalancer; defaults to ClusterIP.",
          { enum: TYPES },
        ),
      },
      {
        name: core("ServiceSpec"),
        d: "ServiceSpec describes the attributes that a user creates on a service.",
      },
    ),
    status: obj(
      { conditions: conditions(Condition, "Current service state."), loadBalancer: LoadBalancerStatus },
      { name: core("ServiceStatus"), d: "Most recently observed status of the service." },
    ),
  },
  "Service is a named abstraction of software service consisting of local port that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
);

function setDefaults(svc: KubeObject): void {
  const spec = child(svc, "spec");
  setDefault(spec, "type", "ClusterIP");
  setDefault(spec, "sessionAffinity", "None");
  const type = strAt(spec, "type");
  if (type !== "ExternalName") {
    setDefault(spec, "internalTrafficPolicy", "Cluster");
    setDefault(spec, "ipFamilyPolicy", "SingleStack");
    setDefault(spec, "ipFamilies", ["IPv4"]);
  }
  if (type === "NodePort" || type === "LoadBalancer") setDefault(spec, "externalTrafficPolicy", "Cluster");
  if (type === "LoadBalancer") setDefault(spec, "allocateLoadBalancerNodePorts", true);
  for (const p of listAt(spec, "ports")) {
    if (!isObject(p)) continue;
    setDefault(p, "protocol", "TCP");
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0) p.targetPort = p.port;
  }
  setDefault(child(svc, "status"), "loadBalancer", {});
}

function validate(svc: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateObjectMeta(svc, { namespaced: true, name: isDNS1035Label });
  const spec = isObject(svc.spec) ? svc.spec : {};
  const type = strAt(spec, "type") ?? "ClusterIP";
  if (!TYPES.includes(type)) out.push(notSupported("spec.type", type, TYPES));
  const ports = listAt(spec, "ports");
  const headless = strAt(spec, "clusterIP") === "None";
  if (type === "ExternalName") {
    if (!strAt(spec, "externalName")) out.push(required("spec.externalName"));
  } else if (ports.length === 0 && !headless) out.push(required("spec.ports"));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    const name = strAt(p, "name");
    if (ports.length > 1 && !name) out.push(required(`${pp}.name`));
    if (name) {
      for (const msg of isDNS1035Label(name)) out.push(invalidValue(`${pp}.name`, name, msg));
      if (names.has(name)) out.push(duplicate(`${pp}.name`, name));
      names.add(name);
    }
    const port = isObject(p) ? p.port : undefined;
    if (port === undefined) out.push(required(`${pp}.port`));
    else out.push(...validatePortNumber(port, `${pp}.port`));
    out.push(...validateProtocol(isObject(p) ? p.protocol : undefined, `${pp}.protocol`));
    const target = isObject(p) ? p.targetPort : undefined;
    if (typeof target === "number") out.push(...validatePortNumber(target, `${pp}.targetPort`));
    else if (typeof target === "string") out.push(...validatePortName(target, `${pp}.targetPort`));
    const nodePort = numAt(p, "nodePort");
    if (nodePort !== undefined && nodePort !== 0) {
      if (type !== "NodePort" && type !== "LoadBalancer")
        out.push(forbidden(`${pp}.nodePort`, `may not be used when \`type\` is '${type}'`));
      else out.push(...validatePortNumber(nodePort, `${pp}.nodePort`));
    }
    const key = `${String(port)}/${strAt(p, "protocol") ?? "TCP"}`;
    if (keys.has(key))
      out.push(
        duplicate(
          pp,
          new GoLiteral(
            `core.ServicePort{Port:${String(port)}, Protocol:${JSON.stringify(strAt(p, "protocol") ?? "TCP")}}`,
          ),
        ),
      );
    keys.add(key);
  });
  const affinity = strAt(spec, "sessionAffinity");
  if (affinity !== undefined && affinity !== "None" && affinity !== "ClientIP")
    out.push(notSupported("spec.sessionAffinity", affinity, ["ClientIP", "None"]));
  out.push(...validateLabels(spec.selector, "spec.selector"));
  if (old) {
    out.push(...validateObjectMetaUpdate(svc, old));
    const oldIP = strAt(old.spec, "clusterIP");
    const newIP = strAt(spec, "clusterIP");
    if (oldIP && newIP !== undefined && newIP !== "" && newIP !== oldIP && type !== "ExternalName")
      out.push(invalidValue("spec.clusterIPs[0]", [newIP], "may not change once set"));
  }
  return out;
}

/** The External-IP cell (getServiceExternalIP; the server prints tables "wide": never truncated). */
function externalIP(svc: KubeObject): string {
  const spec = objAt(svc, "spec");
  const external = listAt(spec, "externalIPs").map(String);
  switch (strAt(spec, "type") ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return listOrNone(external);
    case "ExternalName":
      return strAt(spec, "externalName") ?? "<none>";
    case "LoadBalancer": {
      const ips = listAt(objAt(objAt(svc, "status"), "loadBalancer"), "ingress")
        .map((i) => strAt(i, "ip") || strAt(i, "hostname") || "")
        .filter((s) => s !== "");
      const all = [...ips, ...external];
      return all.length === 0 ? "<pending>" : all.join(",");
    }
    default:
      return "<unknown>";
  }
}

/** `80/TCP,443:30443/TCP` (makePortString). */
export function servicePorts(svc: KubeObject): string {
  const ports = listAt(objAt(svc, "spec"), "ports").map((p) => {
    const nodePort = numAt(p, "nodePort") ?? 0;
    const proto = strAt(p, "protocol") ?? "TCP";
    return nodePort > 0 ? `${numAt(p, "port")}:${nodePort}/${proto}` : `${numAt(p, "port")}/${proto}`;
  });
  return listOrNone(ports);
}

export const serviceDef = defineResource({
  ...gvk,
  resource: "services",
  shortNames: ["svc"],
  categories: ["all"],
  namespaced: true,
  status: true,
  schema,
  setDefaults,
  validate,
  columns: [
    col("Type", "string", "The type of the service."),
    col("Cluster-IP", "string", "The IP address of the service."),
    col("External-IP", "string", "The external IP addresses of the service."),
    col("Port(s)", "string", "The ports the service exposes."),
    col(
      "Selector",
      "string",
      "Route service traffic to pods with label keys and values matching this selector.",
      { wide: true },
    ),
  ],
  cells: (svc) => {
    const spec = objAt(svc, "spec");
    const selector = objAt(spec, "selector");
    return [
      strAt(spec, "type") ?? "ClusterIP",
      strAt(spec, "clusterIP") || "<none>",
      externalIP(svc),
      servicePorts(svc),
      formatLabels(selector),
    ];
  },
});
