// The ResourceCatalog: every served resource, looked up by URL parts or by kind, grouped for
// discovery, and the OpenAPI v3 documents derived from their schemas.

import type { GroupVersion, GroupVersionKind } from "../types.js";
import { daemonSetDef } from "./apps-daemonset.js";
import { deploymentDef } from "./apps-deployment.js";
import { replicaSetDef } from "./apps-replicaset.js";
import { controllerRevisionDef, statefulSetDef } from "./apps-statefulset.js";
import { selfSubjectAccessReviewDef, subjectAccessReviewDef } from "./authorization.js";
import { hpaV1Def, hpaV2Def } from "./autoscaling-hpa.js";
import { configMapDef } from "./core-configmap.js";
import { eventDef, eventsV1Def } from "./core-event.js";
import { endpointsDef, limitRangeDef, resourceQuotaDef, serviceAccountDef } from "./core-misc.js";
import { namespaceDef } from "./core-namespace.js";
import { nodeDef } from "./core-node.js";
import { podDef } from "./core-pod.js";
import { secretDef } from "./core-secret.js";
import { serviceDef } from "./core-service.js";
import { endpointSliceDef, leaseDef } from "./coordination-discovery.js";
import type { ResourceDef } from "./def.js";
import { ingressClassDef, ingressDef } from "./networking.js";
import { documentHash, openapiV3Document, openapiV3PathKey } from "./openapi.js";
import { clusterRoleBindingDef, clusterRoleDef, roleBindingDef, roleDef } from "./rbac.js";

export interface ApiGroupInfo {
  group: string;
  /** Most preferred first. */
  versions: string[];
  preferred: string;
}

export class ResourceCatalog {
  readonly #defs: ResourceDef[];
  readonly #groups: ApiGroupInfo[];
  readonly #openapi = new Map<string, object | undefined>();

  /** `groups` orders groups and versions for discovery; groups it leaves out follow in def order. */
  constructor(defs: ResourceDef[], groups: ApiGroupInfo[] = []) {
    this.#defs = defs;
    const known = new Map(groups.map((g) => [g.group, { ...g, versions: [...g.versions] }]));
    for (const d of defs) {
      const g = known.get(d.group);
      if (!g) known.set(d.group, { group: d.group, versions: [d.version], preferred: d.version });
      else if (!g.versions.includes(d.version)) g.versions.push(d.version);
    }
    this.#groups = [...known.values()].filter((g) => defs.some((d) => d.group === g.group));
  }

  all(): ResourceDef[] {
    return this.#defs;
  }

  get(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.#defs.find((d) => d.group === group && d.version === version && d.resource === resource);
  }

  byKind(gvk: GroupVersionKind): ResourceDef | undefined {
    return this.#defs.find((d) => d.group === gvk.group && d.version === gvk.version && d.kind === gvk.kind);
  }

  /** The def of the same resource in another served version (HPA v1 <-> v2). */
  inVersion(def: ResourceDef, version: string): ResourceDef | undefined {
    return this.get(def.group, version, def.resource);
  }

  groups(): ApiGroupInfo[] {
    return this.#groups.map((g) => ({ ...g, versions: [...g.versions] }));
  }

  /** The OpenAPI v3 document of a group-version (an empty one when nothing is served there). */
  openapiV3(gv: GroupVersion): object {
    const key = openapiV3PathKey(gv);
    if (!this.#openapi.has(key)) this.#openapi.set(key, openapiV3Document(this.#defs, gv));
    return (
      this.#openapi.get(key) ?? {
        openapi: "3.0.0",
        info: { title: "Kubernetes", version: "v1.32.0" },
        paths: {},
      }
    );
  }

  /** Whether a group-version has an OpenAPI document (404 otherwise). */
  hasOpenapiV3(gv: GroupVersion): boolean {
    return this.#defs.some((d) => d.group === gv.group && d.version === gv.version);
  }

  /** GET /openapi/v3: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}`. */
  openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const g of this.#groups)
      for (const version of g.versions) {
        const key = openapiV3PathKey({ group: g.group, version });
        paths[key] = {
          serverRelativeURL: `/openapi/v3/${key}?hash=${documentHash(this.openapiV3({ group: g.group, version }))}`,
        };
      }
    return { paths };
  }
}

/** Discovery order and preferred versions as a 1.32 API server lists them. */
const GROUPS: ApiGroupInfo[] = [
  { group: "", versions: ["v1"], preferred: "v1" },
  { group: "apps", versions: ["v1"], preferred: "v1" },
  { group: "events.k8s.io", versions: ["v1"], preferred: "v1" },
  { group: "authorization.k8s.io", versions: ["v1"], preferred: "v1" },
  { group: "autoscaling", versions: ["v2", "v1"], preferred: "v2" },
  { group: "networking.k8s.io", versions: ["v1"], preferred: "v1" },
  { group: "rbac.authorization.k8s.io", versions: ["v1"], preferred: "v1" },
  { group: "coordination.k8s.io", versions: ["v1"], preferred: "v1" },
  { group: "discovery.k8s.io", versions: ["v1"], preferred: "v1" },
];

/** Every built-in kind of issue 4. */
export function builtinCatalog(): ResourceCatalog {
  return new ResourceCatalog(
    [
      namespaceDef,
      podDef,
      serviceDef,
      endpointsDef,
      configMapDef,
      secretDef,
      serviceAccountDef,
      nodeDef,
      eventDef,
      limitRangeDef,
      resourceQuotaDef,
      deploymentDef,
      replicaSetDef,
      daemonSetDef,
      statefulSetDef,
      controllerRevisionDef,
      eventsV1Def,
      selfSubjectAccessReviewDef,
      subjectAccessReviewDef,
      hpaV2Def,
      hpaV1Def,
      ingressDef,
      ingressClassDef,
      roleDef,
      clusterRoleDef,
      roleBindingDef,
      clusterRoleBindingDef,
      leaseDef,
      endpointSliceDef,
    ],
    GROUPS,
  );
}
