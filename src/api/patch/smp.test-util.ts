// Shared by the strategic merge patch tests: a Deployment to patch, the patch applied with the
// test schema, and the ApiError a refused patch raises.
import { ApiError } from "../errors.js";
import { deploymentSchema } from "./fixtures.js";
import { applyStrategicMergePatch } from "./strategic-merge.js";

export function deployment(containers: unknown[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers, ...extra } },
    },
  };
}

export type Deploy = ReturnType<typeof deployment> & {
  spec: Record<string, unknown> & {
    template: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  };
};

export const smp = (doc: unknown, patch: unknown) =>
  applyStrategicMergePatch(doc, patch, deploymentSchema) as Deploy;

export function failure(doc: unknown, patch: unknown): ApiError {
  try {
    smp(doc, patch);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("the patch applied");
}
