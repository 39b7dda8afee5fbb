// Patch schemas of a few built-in kinds, trimmed to what the patch tests exercise; the tags are
// those of kubernetes/api v0.32 (patchStrategy / patchMergeKey / listType / listMapKeys).
// Used by the tests of this folder only.

import type { PatchSchema } from "./schema.js";

const str: PatchSchema = { scalar: "string" };
const int: PatchSchema = { scalar: "integer" };
const bool: PatchSchema = { scalar: "boolean" };
const intOrString: PatchSchema = { scalar: "int-or-string" };
const stringMap: PatchSchema = { additional: str };
const atomicStrings: PatchSchema = { items: str, listType: "atomic" };

const keyedList = (
  items: PatchSchema,
  mergeKey: string,
  keys = [mergeKey],
  strategy: PatchSchema["patchStrategy"] = "merge",
): PatchSchema => ({
  items,
  patchStrategy: strategy,
  patchMergeKey: mergeKey,
  listType: "map",
  listMapKeys: keys,
});

const labelSelector: PatchSchema = {
  mapType: "atomic",
  fields: {
    matchLabels: stringMap,
    matchExpressions: {
      items: { fields: { key: str, operator: str, values: atomicStrings } },
      listType: "atomic",
    },
  },
};

export const objectMeta: PatchSchema = {
  fields: {
    name: str,
    namespace: str,
    uid: str,
    resourceVersion: str,
    generation: int,
    creationTimestamp: str,
    labels: stringMap,
    annotations: stringMap,
    finalizers: { items: str, patchStrategy: "merge", listType: "set" },
    ownerReferences: keyedList(
      {
        fields: {
          apiVersion: str,
          kind: str,
          name: str,
          uid: str,
          controller: bool,
          blockOwnerDeletion: bool,
        },
      },
      "uid",
    ),
    managedFields: {
      items: {
        fields: {
          manager: str,
          operation: str,
          apiVersion: str,
          time: str,
          fieldsType: str,
          fieldsV1: { scalar: "object" },
          subresource: str,
        },
      },
      listType: "atomic",
    },
  },
};

const container: PatchSchema = {
  fields: {
    name: str,
    image: str,
    imagePullPolicy: str,
    command: atomicStrings,
    args: atomicStrings,
    ports: keyedList(
      { fields: { name: str, containerPort: int, protocol: str, hostPort: int } },
      "containerPort",
      ["containerPort", "protocol"],
    ),
    env: keyedList(
      {
        fields: {
          name: str,
          value: str,
          valueFrom: { fields: { configMapKeyRef: { mapType: "atomic", fields: { name: str, key: str } } } },
        },
      },
      "name",
    ),
    envFrom: {
      items: { fields: { prefix: str, configMapRef: { fields: { name: str } } } },
      listType: "atomic",
    },
    volumeMounts: keyedList({ fields: { name: str, mountPath: str, readOnly: bool } }, "mountPath"),
    resources: { fields: { limits: stringMap, requests: stringMap } },
    terminationMessagePath: str,
  },
};

const volume: PatchSchema = {
  fields: {
    name: str,
    configMap: { fields: { name: str, defaultMode: int } },
    secret: { fields: { secretName: str, defaultMode: int } },
    emptyDir: { fields: { medium: str, sizeLimit: { scalar: "quantity" } } },
  },
};

export const podSpec: PatchSchema = {
  fields: {
    containers: keyedList(container, "name"),
    initContainers: keyedList(container, "name"),
    volumes: keyedList(volume, "name", ["name"], "merge,retainKeys"),
    imagePullSecrets: keyedList({ fields: { name: str } }, "name"),
    tolerations: { items: { fields: { key: str, operator: str, effect: str } }, listType: "atomic" },
    nodeSelector: { additional: str, mapType: "atomic" },
    restartPolicy: str,
    terminationGracePeriodSeconds: int,
  },
};

export const deploymentSchema: PatchSchema = {
  fields: {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    spec: {
      fields: {
        replicas: int,
        paused: bool,
        selector: labelSelector,
        strategy: {
          patchStrategy: "retainKeys",
          fields: {
            type: str,
            rollingUpdate: { fields: { maxSurge: intOrString, maxUnavailable: intOrString } },
          },
        },
        template: { fields: { metadata: objectMeta, spec: podSpec } },
        revisionHistoryLimit: int,
        progressDeadlineSeconds: int,
      },
    },
    status: {
      fields: {
        replicas: int,
        observedGeneration: int,
        conditions: keyedList({ fields: { type: str, status: str, reason: str, message: str } }, "type"),
      },
    },
  },
};

export const configMapSchema: PatchSchema = {
  fields: {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    data: stringMap,
    binaryData: stringMap,
    immutable: bool,
  },
};

export const serviceSchema: PatchSchema = {
  fields: {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    spec: {
      fields: {
        type: str,
        selector: { additional: str, mapType: "atomic" },
        ports: keyedList(
          { fields: { name: str, port: int, targetPort: intOrString, protocol: str } },
          "port",
          ["port", "protocol"],
        ),
        clusterIP: str,
      },
    },
  },
};

/** kubectl apply's patch for an edited two-container Deployment: every SMP directive at once (kubectl-wire §8.1). */
export const everyDirectivePatch = {
  metadata: {
    "$deleteFromPrimitiveList/finalizers": ["example.com/a"],
    "$setElementOrder/finalizers": ["example.com/b"],
    annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}\n" },
    labels: { tier: null },
  },
  spec: {
    strategy: { $retainKeys: ["type"], rollingUpdate: null, type: "Recreate" },
    template: {
      spec: {
        "$setElementOrder/containers": [{ name: "main" }],
        "$setElementOrder/volumes": [{ name: "cfg" }],
        containers: [
          {
            "$setElementOrder/env": [{ name: "B" }, { name: "A" }, { name: "C" }],
            "$setElementOrder/ports": [{ containerPort: 443 }],
            "$setElementOrder/volumeMounts": [{ mountPath: "/etc/cfg" }],
            env: [{ name: "C", value: "3" }],
            image: "nginx:1.26",
            name: "main",
            ports: [{ $patch: "delete", containerPort: 80 }],
            volumeMounts: [{ $patch: "delete", mountPath: "/tmp" }],
          },
          { $patch: "delete", name: "sidecar" },
        ],
        volumes: [
          {
            $retainKeys: ["name", "secret"],
            configMap: null,
            name: "cfg",
            secret: { secretName: "app-sec" },
          },
          { $patch: "delete", name: "scratch" },
        ],
      },
    },
  },
};
