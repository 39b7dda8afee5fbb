// core/v1 ServiceAccount, Endpoints, LimitRange and ResourceQuota: stored kinds with little logic.

import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { duplicate, required } from "./field-errors.js";
import { isObject, listAt, numAt, objAt, strAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { core, kindSchema, LocalObjectReference, ObjectReference } from "./schema-meta.js";
import { atomicList, bool, desc, free, int, keyedList, map, obj, quantity, str } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";
import { validatePortNumber } from "./validate-podspec.js";

const metaValidation = (namespaced: boolean) => (o: KubeObject, old?: KubeObject) => [
  ...validateObjectMeta(o, { namespaced, name: isDNS1123Subdomain }),
  ...(old ? validateObjectMetaUpdate(o, old) : []),
];

const saGvk = { group: "", version: "v1", kind: "ServiceAccount" };
export const serviceAccountDef = defineResource({
  ...saGvk,
  resource: "serviceaccounts",
  shortNames: ["sa"],
  namespaced: true,
  schema: kindSchema(
    saGvk,
    core("ServiceAccount"),
    {
      automountServiceAccountToken: bool(
        "Whether pods running as this service account should have an API token automatically mounted.",
      ),
      imagePullSecrets: atomicList(
        LocalObjectReference,
        "References to secrets in the same namespace to use for pulling any images in pods that use this ServiceAccount.",
      ),
      secrets: keyedList(ObjectReference, ["name"], {
        d: "Deprecated: secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
      }),
    },
    "ServiceAccount binds together a name, understood by users and perhaps by peripheral systems, for an identity and a principal that can be authenticated and authorized.",
  ),
  validate: metaValidation(true),
  columns: [
    col(
      "Secrets",
      "string",
      "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
    ),
  ],
  cells: (sa) => [listAt(sa, "secrets").length],
});

const EndpointAddress = obj(
  {
    hostname: str("The Hostname of this endpoint."),
    ip: str("The IP of this endpoint."),
    nodeName: str("The node hosting this endpoint."),
    targetRef: desc(ObjectReference, "Reference to object providing the endpoint."),
  },
  {
    name: core("EndpointAddress"),
    required: ["ip"],
    mapType: "atomic",
    d: "EndpointAddress is a tuple that describes single IP address.",
  },
);
const EndpointPort = obj(
  {
    appProtocol: str("The application protocol for this port."),
    name: str("The name of this port; must match the name field of the ServicePort."),
    port: int("The port number of the endpoint."),
    protocol: str("The IP protocol for this port: TCP, UDP or SCTP; default is TCP."),
  },
  {
    name: core("EndpointPort"),
    required: ["port"],
    mapType: "atomic",
    d: "EndpointPort is a tuple that describes a single port.",
  },
);
const epGvk = { group: "", version: "v1", kind: "Endpoints" };

/** `10.0.0.1:80,10.0.0.2:80 + 3 more...` (formatEndpoints). */
export function formatEndpoints(ep: KubeObject): string {
  const list: string[] = [];
  let count = 0;
  for (const ss of listAt(ep, "subsets")) {
    const ports = listAt(ss, "ports");
    for (const a of listAt(ss, "addresses")) {
      if (ports.length === 0) {
        count++;
        if (list.length < 3) list.push(strAt(a, "ip") ?? "");
        continue;
      }
      for (const p of ports) {
        count++;
        if (list.length < 3) list.push(`${strAt(a, "ip") ?? ""}:${numAt(p, "port") ?? 0}`);
      }
    }
  }
  if (list.length === 0) return "<none>";
  const out = list.join(",");
  return count > list.length ? `${out} + ${count - list.length} more...` : out;
}

export const endpointsDef = defineResource({
  ...epGvk,
  resource: "endpoints",
  shortNames: ["ep"],
  namespaced: true,
  schema: kindSchema(
    epGvk,
    core("Endpoints"),
    {
      subsets: atomicList(
        obj(
          {
            addresses: atomicList(
              EndpointAddress,
              "IP addresses which offer the related ports that are marked as ready.",
            ),
            notReadyAddresses: atomicList(
              EndpointAddress,
              "IP addresses which offer the related ports but are not currently marked as ready.",
            ),
            ports: atomicList(EndpointPort, "Port numbers available on the related IP addresses."),
          },
          { name: core("EndpointSubset"), d: "A group of addresses with a common set of ports." },
        ),
        "The set of all endpoints is the union of all subsets.",
      ),
    },
    "Endpoints is a collection of endpoints that implement the actual service.",
  ),
  validate: (ep, old) => {
    const out = metaValidation(true)(ep, old);
    listAt(ep, "subsets").forEach((ss, i) => {
      listAt(ss, "addresses").forEach((a, j) => {
        if (!strAt(a, "ip")) out.push(required(`subsets[${i}].addresses[${j}].ip`));
      });
      listAt(ss, "ports").forEach((p, j) =>
        out.push(...validatePortNumber(isObject(p) ? p.port : undefined, `subsets[${i}].ports[${j}].port`)),
      );
    });
    return out;
  },
  columns: [col("Endpoints", "string", "Endpoints of the service.")],
  cells: (ep) => [formatEndpoints(ep)],
});

const quantities = (d: string) => map(quantity(), d);
const lrGvk = { group: "", version: "v1", kind: "LimitRange" };
export const limitRangeDef = defineResource({
  ...lrGvk,
  resource: "limitranges",
  shortNames: ["limits"],
  namespaced: true,
  schema: kindSchema(
    lrGvk,
    core("LimitRange"),
    {
      spec: obj(
        {
          limits: atomicList(
            obj(
              {
                default: quantities(
                  "Default resource requirement limit value by resource name if resource limit is omitted.",
                ),
                defaultRequest: quantities(
                  "Default resource requirement request value by resource name if resource request is omitted.",
                ),
                max: quantities("Max usage constraints on this kind by resource name."),
                maxLimitRequestRatio: quantities("Max burst for the named resource: limit / request."),
                min: quantities("Min usage constraints on this kind by resource name."),
                type: str(
                  "Type of resource that this limit applies to: Pod, Container or PersistentVolumeClaim.",
                ),
              },
              { name: core("LimitRangeItem"), required: ["type"] },
            ),
            "Limits is the list of LimitRangeItem objects that are enforced.",
          ),
        },
        { name: core("LimitRangeSpec"), required: ["limits"] },
      ),
    },
    "LimitRange sets resource usage limits for each kind of resource in a Namespace.",
  ),
  validate: (lr, old) => {
    const out = metaValidation(true)(lr, old);
    const types = new Set<string>();
    listAt(lr.spec, "limits").forEach((l, i) => {
      const t = strAt(l, "type");
      if (!t) out.push(required(`spec.limits[${i}].type`));
      else if (types.has(t)) out.push(duplicate(`spec.limits[${i}].type`, t));
      if (t) types.add(t);
    });
    return out;
  },
  columns: [],
  table: {
    columns: [
      {
        name: "Name",
        type: "string",
        format: "name",
        description: "Name must be unique within a namespace.",
        priority: 0,
      },
      col(
        "Created At",
        "date",
        "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.",
      ),
    ],
    cells: (o) => [o.metadata.name ?? "", o.metadata.creationTimestamp ?? ""],
  },
});

const rqGvk = { group: "", version: "v1", kind: "ResourceQuota" };
export const resourceQuotaDef = defineResource({
  ...rqGvk,
  resource: "resourcequotas",
  shortNames: ["quota"],
  namespaced: true,
  status: true,
  schema: kindSchema(
    rqGvk,
    core("ResourceQuota"),
    {
      spec: obj(
        {
          hard: quantities("The set of desired hard limits for each named resource."),
          scopeSelector: obj(
            {
              matchExpressions: atomicList(
                free(),
                "A list of scope selector requirements by scope of the resources.",
              ),
            },
            { name: core("ScopeSelector"), mapType: "atomic" },
          ),
          scopes: atomicList(
            str(),
            "A collection of filters that must match each object tracked by a quota.",
          ),
        },
        { name: core("ResourceQuotaSpec") },
      ),
      status: obj(
        {
          hard: quantities("The set of enforced hard limits for each named resource."),
          used: quantities("The current observed total usage of the resource in the namespace."),
        },
        { name: core("ResourceQuotaStatus") },
      ),
    },
    "ResourceQuota sets aggregate quota restrictions enforced per namespace.",
  ),
  validate: metaValidation(true),
  columns: [
    col(
      "Request",
      "string",
      "Request represents a minimum amount of cpu/memory that a container may consume.",
    ),
    col(
      "Limit",
      "string",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
  ],
  ageAt: 0,
  cells: (o) => {
    // Like the real printer, only what the quota controller reported (status) is shown.
    const hard = objAt(objAt(o, "status"), "hard") ?? {};
    const used = objAt(objAt(o, "status"), "used") ?? {};
    const req: string[] = [];
    const lim: string[] = [];
    for (const k of Object.keys(hard).sort()) {
      const cell = `${k}: ${String(used[k] ?? "0")}/${String(hard[k])}`;
      (k.startsWith("limits.") ? lim : req).push(cell);
    }
    return [req.join(", "), lim.join(", ")];
  },
});
