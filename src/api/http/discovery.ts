// Discovery documents (kubectl-wire §4): aggregated discovery (`/api`, `/apis` with the
// APIGroupDiscoveryList Accept, what kubectl 1.32 asks first) and the legacy documents
// (APIVersions, APIGroupList, APIGroup, APIResourceList) for older clients.
import type { HttpCatalog, HttpResourceDef } from "./deps.js";

interface SubresourceInfo {
  name: string;
  responseKind: { group: string; version: string; kind: string };
  verbs: string[];
}

const SUBRESOURCE_VERBS = ["get", "patch", "update"];

const coreKind = (kind: string) => ({ group: "", version: "v1", kind });

/** The pod subresources served besides status, as a 1.32 server lists them (alphabetically). */
const POD_SUBRESOURCES: SubresourceInfo[] = [
  { name: "binding", responseKind: coreKind("Binding"), verbs: ["create"] },
  { name: "eviction", responseKind: { group: "policy", version: "v1", kind: "Eviction" }, verbs: ["create"] },
  { name: "exec", responseKind: coreKind("PodExecOptions"), verbs: ["create", "get"] },
  { name: "log", responseKind: coreKind("Pod"), verbs: ["get"] },
  { name: "portforward", responseKind: coreKind("PodPortForwardOptions"), verbs: ["create", "get"] },
];

/** Core resources served without a catalog entry: the legacy create-only `bindings` (with pods). */
function coreExtras(catalog: HttpCatalog, group: string, version: string) {
  if (group !== "" || version !== "v1" || catalog.get("", "v1", "pods") === undefined) return [];
  return [{ resource: "bindings", kind: "Binding", singular: "binding", verbs: ["create"] }];
}

function subresourcesOf(def: HttpResourceDef): SubresourceInfo[] {
  const subs: SubresourceInfo[] = [];
  if (def.subresources.scale !== undefined) {
    subs.push({
      name: "scale",
      responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
      verbs: SUBRESOURCE_VERBS,
    });
  }
  if (def.subresources.status) {
    subs.push({
      name: "status",
      responseKind: { group: def.group, version: def.version, kind: def.kind },
      verbs: SUBRESOURCE_VERBS,
    });
  }
  if (def.group === "" && def.resource === "pods") subs.push(...POD_SUBRESOURCES);
  if (def.group === "" && def.resource === "serviceaccounts") {
    subs.push({
      name: "token",
      responseKind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
      verbs: ["create"],
    });
  }
  return subs;
}

/** Versions of a group, preferred first (kubectl uses the first for `get`). */
function orderedVersions(g: { versions: string[]; preferred: string }): string[] {
  return [g.preferred, ...g.versions.filter((v) => v !== g.preferred)];
}

function defsOf(catalog: HttpCatalog, group: string, version: string): HttpResourceDef[] {
  return catalog.all().filter((d) => d.group === group && d.version === version);
}

function groupVersion(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** `/api` (core only) or `/apis` (every named group) as APIGroupDiscoveryList v2. */
export function aggregatedDiscovery(catalog: HttpCatalog, core: boolean): object {
  const items = catalog
    .groups()
    .filter((g) => (g.group === "") === core)
    .map((g) => ({
      metadata: { name: g.group },
      versions: orderedVersions(g).map((version) => ({
        version,
        freshness: "Current",
        resources: [
          ...coreExtras(catalog, g.group, version).map((x) => ({
            resource: x.resource,
            responseKind: coreKind(x.kind),
            scope: "Namespaced",
            singularResource: x.singular,
            verbs: x.verbs,
          })),
          ...defsOf(catalog, g.group, version).map((d) => ({
            resource: d.resource,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? "Namespaced" : "Cluster",
            singularResource: d.singular,
            verbs: d.verbs,
            ...(d.shortNames.length > 0 && { shortNames: d.shortNames }),
            ...(d.categories.length > 0 && { categories: d.categories }),
            ...(subresourcesOf(d).length > 0 && {
              subresources: subresourcesOf(d).map((s) => ({
                subresource: s.name,
                responseKind: s.responseKind,
                verbs: s.verbs,
              })),
            }),
          })),
        ],
      })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function apiGroup(g: { group: string; versions: string[]; preferred: string }): object {
  return {
    name: g.group,
    versions: orderedVersions(g).map((version) => ({
      groupVersion: groupVersion(g.group, version),
      version,
    })),
    preferredVersion: { groupVersion: groupVersion(g.group, g.preferred), version: g.preferred },
  };
}

export function apiGroupList(catalog: HttpCatalog): object {
  const groups = catalog
    .groups()
    .filter((g) => g.group !== "")
    .map(apiGroup);
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** `/apis/GROUP`, or undefined for a group that is not served. */
export function apiGroupDoc(catalog: HttpCatalog, group: string): object | undefined {
  const g = catalog.groups().find((x) => x.group === group && group !== "");
  return g === undefined ? undefined : { kind: "APIGroup", apiVersion: "v1", ...apiGroup(g) };
}

/** `/api/v1` or `/apis/G/V`, or undefined for a group-version that is not served. */
export function apiResourceList(catalog: HttpCatalog, group: string, version: string): object | undefined {
  const defs = defsOf(catalog, group, version);
  if (defs.length === 0) return undefined;
  const resources: object[] = [];
  {
    for (const x of coreExtras(catalog, group, version)) {
      resources.push({
        name: x.resource,
        singularName: x.singular,
        namespaced: true,
        kind: x.kind,
        verbs: x.verbs,
      });
    }
  }
  for (const d of defs) {
    resources.push({
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames.length > 0 && { shortNames: d.shortNames }),
      ...(d.categories.length > 0 && { categories: d.categories }),
    });
    for (const s of subresourcesOf(d)) {
      resources.push({
        name: `${d.resource}/${s.name}`,
        singularName: "",
        namespaced: d.namespaced,
        // Another group's kind is named in full (kubectl drain needs pods/eviction's policy/v1).
        ...((s.responseKind.group !== d.group || s.responseKind.version !== d.version) && {
          group: s.responseKind.group,
          version: s.responseKind.version,
        }),
        kind: s.responseKind.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources };
}
