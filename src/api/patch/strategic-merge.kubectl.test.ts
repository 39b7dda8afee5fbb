// The strategic merge patch checked against Kubernetes' own implementation: `kubectl patch
// --local` applies a patch with apimachinery's strategicpatch and kubectl's compiled-in types,
// with no server involved. Each case must give exactly what kubectl gives.

import { afterAll, describe, expect, it } from "vitest";
import { requireTool } from "../../../test/support/tools.js";
import { deploymentDef } from "../resources/apps-deployment.js";
import { serviceDef } from "../resources/core-service.js";
import { deploymentSchema, everyDirectivePatch, serviceSchema } from "./fixtures.js";
import { kubectlLocal } from "./kubectl-local.test-util.js";
import type { PatchSchema } from "./schema.js";
import { ApiError } from "../errors.js";
import { applyStrategicMergePatch } from "./strategic-merge.js";

const hasKubectl = requireTool("kubectl");
const kubectl = kubectlLocal();
afterAll(() => kubectl.close());

async function kubectlPatch(live: unknown, patch: unknown): Promise<unknown> {
  const r = await kubectl.patch(live, "strategic", patch);
  if (!r.ok) throw new Error(`kubectl patch failed: ${r.error}`);
  return r.value;
}

function deployment(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", ...metadata },
    spec: { selector: { matchLabels: { app: "web" } }, ...spec },
  };
}

const podTemplate = (spec: Record<string, unknown>) => ({
  template: { metadata: { labels: { app: "web" } }, spec },
});
const abc = [
  { name: "a", image: "a" },
  { name: "b", image: "b" },
  { name: "c", image: "c" },
];

const cases: [string, unknown, unknown, PatchSchema][] = [
  [
    "a new container without $setElementOrder",
    deployment(podTemplate({ containers: abc })),
    { spec: { template: { spec: { containers: [{ name: "d", image: "d" }] } } } },
    deploymentSchema,
  ],
  [
    "a changed middle container",
    deployment(podTemplate({ containers: abc })),
    { spec: { template: { spec: { containers: [{ name: "b", image: "b2" }] } } } },
    deploymentSchema,
  ],
  [
    "$setElementOrder with a server-only container",
    deployment(podTemplate({ containers: abc })),
    {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "d" }],
            containers: [{ name: "d", image: "d" }],
          },
        },
      },
    },
    deploymentSchema,
  ],
  [
    "$setElementOrder alone reorders",
    deployment(podTemplate({ containers: abc })),
    {
      spec: {
        template: { spec: { "$setElementOrder/containers": [{ name: "c" }, { name: "b" }, { name: "a" }] } },
      },
    },
    deploymentSchema,
  ],
  [
    "env: delete one, add one, replace list",
    deployment(
      podTemplate({
        containers: [
          {
            name: "a",
            env: [
              { name: "X", value: "1" },
              { name: "Y", value: "2" },
            ],
          },
        ],
      }),
    ),
    {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "a",
                env: [
                  { $patch: "delete", name: "X" },
                  { name: "Z", value: "3" },
                ],
              },
            ],
          },
        },
      },
    },
    deploymentSchema,
  ],
  [
    "env: $patch replace",
    deployment(podTemplate({ containers: [{ name: "a", env: [{ name: "X", value: "1" }] }] })),
    {
      spec: {
        template: {
          spec: { containers: [{ name: "a", env: [{ name: "Q", value: "9" }, { $patch: "replace" }] }] },
        },
      },
    },
    deploymentSchema,
  ],
  [
    "finalizers union and delete",
    deployment({}, { finalizers: ["a", "b"] }),
    { metadata: { finalizers: ["c", "a"], "$deleteFromPrimitiveList/finalizers": ["b"] } },
    deploymentSchema,
  ],
  [
    "finalizers $setElementOrder with a server-only value",
    deployment({}, { finalizers: ["a", "b", "c"] }),
    { metadata: { "$setElementOrder/finalizers": ["c", "a"] } },
    deploymentSchema,
  ],
  [
    "strategy to Recreate with $retainKeys",
    deployment({
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    }),
    { spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null } } },
    deploymentSchema,
  ],
  [
    "labels: $patch replace, null deletes",
    deployment({}, { labels: { a: "1", b: "2" }, annotations: { x: "1", y: "2" } }),
    { metadata: { labels: { $patch: "replace", c: "3" }, annotations: { x: null } } },
    deploymentSchema,
  ],
  [
    "tolerations and command are replaced",
    deployment(
      podTemplate({
        containers: [{ name: "a", command: ["x", "y"] }],
        tolerations: [{ key: "k1" }, { key: "k2" }],
      }),
    ),
    {
      spec: {
        template: { spec: { containers: [{ name: "a", command: ["z"] }], tolerations: [{ key: "k3" }] } },
      },
    },
    deploymentSchema,
  ],
  [
    "an empty merged list is a no-op, a null one deletes",
    deployment(podTemplate({ containers: abc, imagePullSecrets: [{ name: "s" }] })),
    { spec: { template: { spec: { containers: [], imagePullSecrets: null } } } },
    deploymentSchema,
  ],
  [
    "Service ports by port",
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: {
        ports: [
          { port: 80, targetPort: 8080, protocol: "TCP" },
          { port: 443, protocol: "TCP" },
        ],
      },
    },
    {
      spec: {
        ports: [
          { port: 443, targetPort: 8443 },
          { port: 53, protocol: "UDP" },
        ],
      },
    },
    serviceSchema,
  ],
];

describe.skipIf(!hasKubectl)("applyStrategicMergePatch agrees with kubectl patch --local", () => {
  it.each(cases)("%s", async (_name, live, patch, schema) => {
    expect(applyStrategicMergePatch(live, patch, schema)).toEqual(await kubectlPatch(live, patch));
  });

  // The same cases with the schemas resources/ serves, so both modules agree with kubectl.
  it.each(cases)("%s (resources/ schema)", async (_name, live, patch, schema) => {
    const served = schema === serviceSchema ? serviceDef.patchSchema : deploymentDef.patchSchema;
    expect(applyStrategicMergePatch(live, patch, served)).toEqual(await kubectlPatch(live, patch));
  });

  it("the kubectl apply patch of kubectl-wire §8.1", async () => {
    const live = deployment(
      {
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
        ...podTemplate({
          containers: [
            {
              name: "main",
              image: "nginx:1.25",
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              ports: [
                { containerPort: 80, protocol: "TCP" },
                { containerPort: 443, protocol: "TCP" },
              ],
              volumeMounts: [
                { mountPath: "/etc/cfg", name: "cfg" },
                { mountPath: "/tmp", name: "scratch" },
              ],
            },
            { name: "sidecar", image: "busybox" },
          ],
          volumes: [
            { name: "cfg", configMap: { name: "app-cfg" } },
            { name: "scratch", emptyDir: {} },
          ],
        }),
      },
      { finalizers: ["example.com/a", "example.com/b"], labels: { app: "web", tier: "front" } },
    );
    const patch = everyDirectivePatch;
    const theirs = await kubectlPatch(live, patch);
    expect(applyStrategicMergePatch(live, patch, deploymentSchema)).toEqual(theirs);
    expect(applyStrategicMergePatch(live, patch, deploymentDef.patchSchema)).toEqual(theirs);
  });

  const bad: [string, unknown][] = [
    ["an item without its merge key", { spec: { template: { spec: { containers: [{ image: "x" }] } } } }],
    [
      "an unknown $patch on an item",
      { spec: { template: { spec: { containers: [{ name: "a", $patch: "frob" }] } } } },
    ],
    ["an unknown $patch on a map", { metadata: { $patch: "frob" } }],
    [
      "$patch: merge on an item",
      { spec: { template: { spec: { containers: [{ name: "a", $patch: "merge" }] } } } },
    ],
    [
      "a key outside $retainKeys",
      { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 1 } } } },
    ],
    ["$retainKeys not a list", { spec: { strategy: { $retainKeys: "type" } } }],
    [
      "a patch list out of $setElementOrder's order",
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "a" }, { name: "b" }],
              containers: [{ name: "b" }, { name: "a" }],
            },
          },
        },
      },
    ],
  ];

  it.each(bad)("refuses %s in kubectl's words", async (_name, patch) => {
    const live = deployment({
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } },
      ...podTemplate({ containers: abc }),
    });
    const theirs = await kubectl.patch(live, "strategic", patch);
    let ours: string | undefined;
    try {
      applyStrategicMergePatch(live, patch, deploymentSchema);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      ours = e.details?.causes?.[0]?.message ?? e.message;
    }
    expect(theirs.ok).toBe(false);
    expect(ours?.trimEnd()).toBe(theirs.ok ? undefined : theirs.error.trimEnd());
  });
});
