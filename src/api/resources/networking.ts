// networking.k8s.io/v1 Ingress and IngressClass.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { defineResource } from "./def.js";
import { invalidValue, notSupported, required } from "./field-errors.js";
import { GoLiteral } from "./go-format.js";
import { isObject, listAt, numAt, objAt, strAt } from "./json.js";
import { isDNS1123Subdomain, isDNS1035Label } from "./names.js";
import { kindSchema, TypedLocalObjectReference } from "./schema-meta.js";
import { atomicList, desc, free, int, obj, str } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const group = "networking.k8s.io";
const n = (name: string) => `io.k8s.api.networking.v1.${name}`;
const ingressGvk = { group, version: "v1", kind: "Ingress" };
const classGvk = { group, version: "v1", kind: "IngressClass" };

const IngressBackend = obj(
  {
    resource: desc(
      TypedLocalObjectReference,
      "An ObjectRef to another Kubernetes resource in the namespace of the Ingress object.",
    ),
    service: obj(
      {
        name: str("The referenced service; it must exist in the same namespace as the Ingress object."),
        port: obj(
          {
            name: str("The name of the port on the Service."),
            number: int("The numerical port number (e.g. 80) on the Service."),
          },
          { name: n("ServiceBackendPort") },
        ),
      },
      {
        name: n("IngressServiceBackend"),
        required: ["name"],
        d: "References a Kubernetes Service as a Backend.",
      },
    ),
  },
  { name: n("IngressBackend"), d: "Describes all endpoints for a given service and port." },
);

const schema = kindSchema(
  ingressGvk,
  n("Ingress"),
  {
    spec: obj(
      {
        defaultBackend: desc(
          IngressBackend,
          "The backend that should handle requests that don't match any rule.",
        ),
        ingressClassName: str("The name of an IngressClass cluster resource."),
        rules: atomicList(
          obj(
            {
              host: str("The fully qualified domain name of a network host, as defined by RFC 3986."),
              http: obj(
                {
                  paths: atomicList(
                    obj(
                      {
                        backend: desc(
                          IngressBackend,
                          "Defines the referenced service endpoint to which the traffic will be forwarded to.",
                        ),
                        path: str("Matched against the path of an incoming request."),
                        pathType: str(
                          "How to interpret path matches: Exact, Prefix or ImplementationSpecific.",
                        ),
                      },
                      { name: n("HTTPIngressPath"), required: ["pathType", "backend"] },
                    ),
                    "A collection of paths that map requests to backends.",
                  ),
                },
                { name: n("HTTPIngressRuleValue"), required: ["paths"] },
              ),
            },
            {
              name: n("IngressRule"),
              d: "Represents the rules mapping the paths under a specified host to the related backend services.",
            },
          ),
          "A list of host rules used to configure the Ingress.",
        ),
        tls: atomicList(
          obj(
            {
              hosts: atomicList(str(), "A list of hosts included in the TLS certificate."),
              secretName: str("The name of the secret used to terminate TLS traffic on port 443."),
            },
            { name: n("IngressTLS") },
          ),
          "TLS configuration.",
        ),
      },
      { name: n("IngressSpec"), d: "IngressSpec describes the Ingress the user wishes to exist." },
    ),
    status: obj(
      {
        loadBalancer: obj(
          {
            ingress: atomicList(
              obj(
                {
                  hostname: str("Set for load-balancer ingress points that are DNS based."),
                  ip: str("Set for load-balancer ingress points that are IP based."),
                  ports: atomicList(free(), "Information about the ports exposed by this LoadBalancer."),
                },
                { name: n("IngressLoadBalancerIngress") },
              ),
              "A list containing ingress points for the load-balancer.",
            ),
          },
          { name: n("IngressLoadBalancerStatus") },
        ),
      },
      { name: n("IngressStatus"), d: "The current state of the Ingress." },
    ),
  },
  "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.",
);

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];

function validateBackend(b: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const svc = objAt(b, "service");
  const res = objAt(b, "resource");
  if (svc && res) out.push(invalidValue(path, "", "cannot set both resource and service backends"));
  else if (!svc && !res) out.push(invalidValue(path, "", "resource or service backend is required"));
  if (svc) {
    const name = strAt(svc, "name");
    if (!name) out.push(required(`${path}.service.name`));
    else for (const msg of isDNS1035Label(name)) out.push(invalidValue(`${path}.service.name`, name, msg));
    const port = objAt(svc, "port");
    const hasName = !!strAt(port, "name");
    const num = numAt(port, "number");
    if (hasName && num !== undefined)
      out.push(invalidValue(`${path}.service.port`, "", "cannot set both port name & port number"));
    else if (!hasName && num === undefined)
      out.push(invalidValue(`${path}.service.port`, "", "port name or number is required"));
    else if (num !== undefined && (num < 1 || num > 65535))
      out.push(invalidValue(`${path}.service.port.number`, num, "must be between 1 and 65535, inclusive"));
  }
  return out;
}

function validate(ing: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateObjectMeta(ing, { namespaced: true, name: isDNS1123Subdomain });
  if (old) out.push(...validateObjectMetaUpdate(ing, old));
  const spec = objAt(ing, "spec") ?? {};
  const rules = listAt(spec, "rules");
  if (spec.defaultBackend === undefined && rules.length === 0)
    out.push(
      invalidValue(
        "spec",
        new GoLiteral("[]networking.IngressRule(nil)"),
        "either `defaultBackend` or `rules` must be specified",
      ),
    );
  if (isObject(spec.defaultBackend)) out.push(...validateBackend(spec.defaultBackend, "spec.defaultBackend"));
  rules.forEach((r, i) => {
    const host = strAt(r, "host");
    if (host) {
      const check = host.startsWith("*.") ? host.slice(2) : host;
      for (const msg of isDNS1123Subdomain(check)) out.push(invalidValue(`spec.rules[${i}].host`, host, msg));
    }
    const http = objAt(r, "http");
    if (!http) return;
    const paths = listAt(http, "paths");
    if (paths.length === 0) out.push(required(`spec.rules[${i}].http.paths`));
    paths.forEach((p, j) => {
      const pp = `spec.rules[${i}].http.paths[${j}]`;
      const pt = strAt(p, "pathType");
      if (!pt) out.push(required(`${pp}.pathType`, "pathType must be specified"));
      else if (!PATH_TYPES.includes(pt)) out.push(notSupported(`${pp}.pathType`, pt, PATH_TYPES));
      const path = strAt(p, "path");
      if ((pt === "Exact" || pt === "Prefix") && !path?.startsWith("/"))
        out.push(invalidValue(`${pp}.path`, path ?? "", "must be an absolute path"));
      out.push(...validateBackend(objAt(p, "backend"), `${pp}.backend`));
    });
  });
  return out;
}

function ingressHosts(ing: KubeObject): string {
  const hosts = listAt(objAt(ing, "spec"), "rules")
    .map((r) => strAt(r, "host") ?? "*")
    .map((h) => h || "*");
  if (hosts.length === 0) return "*";
  const shown = hosts.slice(0, 4).join(",");
  return hosts.length > 4 ? `${shown} + ${hosts.length - 4} more...` : shown;
}

export const ingressDef = defineResource({
  ...ingressGvk,
  resource: "ingresses",
  shortNames: ["ing"],
  namespaced: true,
  status: true,
  hasGeneration: true,
  schema,
  validate,
  columns: [
    col("Class", "string", "The name of the IngressClass cluster resource."),
    col("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule."),
    col("Address", "string", "Address is a list containing ingress points for the load-balancer."),
    col("Ports", "string", "Ports of TLS configurations that open."),
  ],
  cells: (ing) => {
    const lb = listAt(objAt(objAt(ing, "status"), "loadBalancer"), "ingress")
      .map((i) => strAt(i, "ip") || strAt(i, "hostname") || "")
      .filter((s) => s);
    const tls = listAt(objAt(ing, "spec"), "tls").length > 0;
    return [
      strAt(objAt(ing, "spec"), "ingressClassName") ?? "<none>",
      ingressHosts(ing),
      lb.join(","),
      tls ? "80, 443" : "80",
    ];
  },
});

export const ingressClassDef = defineResource({
  ...classGvk,
  resource: "ingressclasses",
  namespaced: false,
  hasGeneration: true,
  schema: kindSchema(
    classGvk,
    n("IngressClass"),
    {
      spec: obj(
        {
          controller: str(
            "The name of the controller that should handle this class, e.g. example.com/ingress-controller.",
          ),
          parameters: obj(
            {
              apiGroup: str("The group for the resource being referenced."),
              kind: str("The type of resource being referenced."),
              name: str("The name of resource being referenced."),
              namespace: str("The namespace for the resource being referenced (Namespace scope only)."),
              scope: str(
                "Whether this refers to a cluster or namespace scoped resource: Cluster or Namespace.",
              ),
            },
            { name: n("IngressClassParametersReference"), required: ["kind", "name"] },
          ),
        },
        { name: n("IngressClassSpec"), d: "Provides information about the class of an Ingress." },
      ),
    },
    "IngressClass represents the class of the Ingress, referenced by the Ingress Spec.",
  ),
  validate: (ic, old) => [
    ...validateObjectMeta(ic, { namespaced: false, name: isDNS1123Subdomain }),
    ...(old ? validateObjectMetaUpdate(ic, old) : []),
  ],
  columns: [
    col("Controller", "string", "Controller that is responsible for handling this class."),
    col("Parameters", "string", "A reference to a resource with additional parameters."),
  ],
  ageAt: 2,
  cells: (ic) => {
    const p = objAt(objAt(ic, "spec"), "parameters");
    const params = p
      ? `${strAt(p, "kind") ?? ""}${strAt(p, "apiGroup") ? `.${strAt(p, "apiGroup")}` : ""}/${strAt(p, "name") ?? ""}`
      : "<none>";
    return [strAt(objAt(ic, "spec"), "controller") ?? "", params];
  },
});
