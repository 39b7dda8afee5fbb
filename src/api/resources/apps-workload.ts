// What apps/v1 workloads share: selector/template validation, replicas, table columns, the
// workload condition schema.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { forbidden, immutable, invalidValue, required } from "./field-errors.js";
import { GoLiteral, goLabelSelector, goStringMap } from "./go-format.js";
import { isObject, objAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { conditions } from "./schema-meta.js";
import { obj, str, time } from "./schema.js";
import { col, containerColumns, formatLabelSelector } from "./table.js";
import {
  validateLabels,
  selectorIsEmpty,
  selectorMatches,
  validateLabelSelector,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./validate-meta.js";
import { validatePodSpec } from "./validate-podspec.js";

export const appsGroup = "apps";

export function workloadConditions(kind: string) {
  return conditions(
    obj(
      {
        lastTransitionTime: time("Last time the condition transitioned from one status to another."),
        ...(kind === "Deployment" && { lastUpdateTime: time("The last time this condition was updated.") }),
        message: str("A human readable message indicating details about the transition."),
        reason: str("The reason for the condition's last transition."),
        status: str("Status of the condition, one of True, False, Unknown."),
        type: str(`Type of ${kind.toLowerCase()} condition.`),
      },
      {
        name: `io.k8s.api.apps.v1.${kind}Condition`,
        required: ["type", "status"],
        d: `Describes the state of a ${kind.toLowerCase()} at a certain point.`,
      },
    ),
    `Represents the latest available observations of a ${kind.toLowerCase()}'s current state.`,
  );
}

export function validateReplicas(v: unknown, path: string): StatusCause[] {
  if (v === undefined) return [];
  if (typeof v !== "number" || !Number.isInteger(v)) return [invalidValue(path, v, "must be an integer")];
  return v < 0 ? [invalidValue(path, v, "must be greater than or equal to 0")] : [];
}

export function validateNonNegative(spec: unknown, field: string, path: string): StatusCause[] {
  const v = isObject(spec) ? spec[field] : undefined;
  if (typeof v === "number" && v < 0)
    return [invalidValue(`${path}.${field}`, v, "must be greater than or equal to 0")];
  return [];
}

/**
 * Metadata, selector (required, non-empty, matching the template's labels), template and, on
 * update, the immutable selector: the checks every apps/v1 workload shares.
 */
export function validateWorkload(
  obj: KubeObject,
  old: KubeObject | undefined,
  kind: string,
  o: { replicas?: boolean } = {},
): StatusCause[] {
  const out = validateObjectMeta(obj, { namespaced: true, name: isDNS1123Subdomain });
  if (old) out.push(...validateObjectMetaUpdate(obj, old));
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (o.replicas) out.push(...validateReplicas(spec.replicas, "spec.replicas"));
  const selector = spec.selector;
  if (!isObject(selector)) out.push(required("spec.selector"));
  else {
    out.push(...validateLabelSelector(selector, "spec.selector"));
    if (selectorIsEmpty(selector))
      out.push(
        invalidValue(
          "spec.selector",
          new GoLiteral(goLabelSelector(selector)),
          `empty selector is invalid for ${kind.toLowerCase()}`,
        ),
      );
  }
  const template = objAt(spec, "template");
  if (!template) out.push(required("spec.template"));
  else {
    const labels = objAt(objAt(template, "metadata"), "labels") as Record<string, string> | undefined;
    if (isObject(selector) && !selectorIsEmpty(selector) && !selectorMatches(selector, labels))
      out.push(
        invalidValue(
          "spec.template.metadata.labels",
          new GoLiteral(goStringMap(labels)),
          "`selector` does not match template `labels`",
        ),
      );
    const templateMeta = objAt(template, "metadata");
    out.push(...validateLabels(templateMeta?.labels, "spec.template.metadata.labels"));
    out.push(...validatePodSpec(template.spec, "spec.template.spec", { restartPolicies: ["Always"] }));
    if (objAt(template, "spec")?.activeDeadlineSeconds !== undefined)
      out.push(
        forbidden(
          "spec.template.spec.activeDeadlineSeconds",
          `activeDeadlineSeconds in ${kind === "Deployment" ? "ReplicaSet" : kind} is not Supported`,
        ),
      );
  }
  if (old) {
    const oldSel = objAt(old.spec, "selector");
    if (JSON.stringify(normalizeSelector(oldSel)) !== JSON.stringify(normalizeSelector(selector)))
      out.push(immutable("spec.selector", new GoLiteral(goLabelSelector(selector))));
  }
  return out;
}

function normalizeSelector(sel: unknown): unknown {
  if (!isObject(sel)) return null;
  const labels = objAt(sel, "matchLabels") ?? {};
  const sorted = Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
  return { matchLabels: sorted, matchExpressions: sel.matchExpressions ?? [] };
}

export const containersColumn = col("Containers", "string", "Names of each container in the template.", {
  wide: true,
});
export const imagesColumn = col("Images", "string", "Images referenced by each container in the template.", {
  wide: true,
});
export const selectorColumn = col("Selector", "string", "Label selector for pods.", { wide: true });

/** The Containers, Images and Selector cells of a workload. */
export function templateCells(o: KubeObject, withSelector = true): string[] {
  const podSpec = objAt(objAt(o.spec, "template"), "spec");
  const cells: string[] = containerColumns(podSpec);
  if (withSelector) cells.push(formatLabelSelector(objAt(o.spec, "selector")));
  return cells;
}
