// coordination.k8s.io/v1 Lease (node heartbeats, leader election) and discovery.k8s.io/v1
// EndpointSlice.

import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { invalidValue, notSupported, required } from "./field-errors.js";
import { listAt, numAt, objAt, strAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { kindSchema, ObjectReference } from "./schema-meta.js";
import { atomicList, bool, desc, free, int, obj, setList, str, strMap } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";
import { validatePortNumber } from "./validate-podspec.js";

const leaseGvk = { group: "coordination.k8s.io", version: "v1", kind: "Lease" };
const microTime = (d: string) => str(d, { format: "date-time" });

export const leaseDef = defineResource({
  ...leaseGvk,
  resource: "leases",
  namespaced: true,
  schema: kindSchema(
    leaseGvk,
    "io.k8s.api.coordination.v1.Lease",
    {
      spec: obj(
        {
          acquireTime: microTime("The time at which the current lease was acquired."),
          holderIdentity: str("The identity of the holder of a current lease."),
          leaseDurationSeconds: int(
            "The duration that candidates for a lease need to wait to force acquire it.",
          ),
          leaseTransitions: int("The number of transitions of a lease between holders."),
          preferredHolder: str(
            "Signals to a lease holder that the lease has a more optimal holder and should be given up.",
          ),
          renewTime: microTime("The time at which the current holder of the lease last updated the lease."),
          strategy: str("The strategy that will be used to select the preferred holder of the lease."),
        },
        { name: "io.k8s.api.coordination.v1.LeaseSpec", d: "The specification of a Lease." },
      ),
    },
    "Lease defines a lease concept.",
  ),
  validate: (l, old) => {
    const out = validateObjectMeta(l, { namespaced: true, name: isDNS1123Subdomain });
    if (old) out.push(...validateObjectMetaUpdate(l, old));
    const spec = objAt(l, "spec");
    const d = numAt(spec, "leaseDurationSeconds");
    if (d !== undefined && d <= 0)
      out.push(invalidValue("spec.leaseDurationSeconds", d, "must be greater than 0"));
    const t = numAt(spec, "leaseTransitions");
    if (t !== undefined && t < 0)
      out.push(invalidValue("spec.leaseTransitions", t, "must be greater than or equal to 0"));
    return out;
  },
  columns: [col("Holder", "string", "The identity of the holder of a current lease.")],
  cells: (l) => [strAt(objAt(l, "spec"), "holderIdentity") ?? ""],
});

const sliceGvk = { group: "discovery.k8s.io", version: "v1", kind: "EndpointSlice" };
const d = (name: string) => `io.k8s.api.discovery.v1.${name}`;
const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];

/** `10.0.0.1,10.0.0.2 + 3 more...` (formatDiscoveryEndpoints). */
function sliceEndpoints(s: KubeObject): string {
  const all = listAt(s, "endpoints").flatMap((e) => listAt(e, "addresses").map(String));
  if (all.length === 0) return "<unset>";
  const shown = all.slice(0, 3).join(",");
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

function slicePorts(s: KubeObject): string {
  const ports = listAt(s, "ports").map((p) => numAt(p, "port"));
  if (ports.length === 0) return "<unset>";
  return ports.map((p) => (p === undefined ? "<unset>" : String(p))).join(",");
}

export const endpointSliceDef = defineResource({
  ...sliceGvk,
  resource: "endpointslices",
  namespaced: true,
  schema: kindSchema(
    sliceGvk,
    d("EndpointSlice"),
    {
      addressType: str("The type of address carried by this EndpointSlice: IPv4, IPv6 or FQDN."),
      endpoints: atomicList(
        obj(
          {
            addresses: setList(str(), "Addresses of this endpoint."),
            conditions: obj(
              {
                ready: bool("The endpoint is ready to receive traffic."),
                serving: bool("The endpoint is able to receive traffic."),
                terminating: bool("The endpoint is terminating."),
              },
              { name: d("EndpointConditions") },
            ),
            deprecatedTopology: strMap("Deprecated: topology information of the endpoint."),
            hints: free("Information about how an endpoint should be consumed."),
            hostname: str("Hostname of this endpoint."),
            nodeName: str("The name of the Node hosting this endpoint."),
            targetRef: desc(
              ObjectReference,
              "A reference to a Kubernetes object that represents this endpoint.",
            ),
            zone: str("The name of the Zone this endpoint exists in."),
          },
          { name: d("Endpoint"), required: ["addresses"] },
        ),
        "A list of unique endpoints in this slice.",
      ),
      ports: atomicList(
        obj(
          {
            appProtocol: str("The application protocol for this port."),
            name: str("The name of this port."),
            port: int("The port number of the endpoint."),
            protocol: str("The IP protocol for this port."),
          },
          { name: d("EndpointPort"), mapType: "atomic" },
        ),
        "The network ports exposed by each endpoint in this slice.",
      ),
    },
    "EndpointSlice represents a subset of the endpoints that implement a service.",
    { required: ["addressType", "endpoints"] },
  ),
  validate: (s, old) => {
    const out = validateObjectMeta(s, { namespaced: true, name: isDNS1123Subdomain });
    if (old) out.push(...validateObjectMetaUpdate(s, old));
    const t = strAt(s, "addressType");
    if (!t) out.push(required("addressType"));
    else if (!ADDRESS_TYPES.includes(t)) out.push(notSupported("addressType", t, ADDRESS_TYPES));
    listAt(s, "ports").forEach((p, i) => {
      const port = numAt(p, "port");
      if (port !== undefined) out.push(...validatePortNumber(port, `ports[${i}].port`));
    });
    return out;
  },
  columns: [
    col("AddressType", "string", "The type of address carried by this EndpointSlice."),
    col("Ports", "string", "The network ports exposed by each endpoint."),
    col("Endpoints", "string", "The endpoints of this slice."),
  ],
  cells: (s) => [strAt(s, "addressType") ?? "", slicePorts(s), sliceEndpoints(s)],
});
