// apps/v1 Deployment.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import {
  appsGroup,
  containersColumn,
  imagesColumn,
  selectorColumn,
  templateCells,
  validateNonNegative,
  validateWorkload,
  workloadConditions,
} from "./apps-workload.js";
import { defineResource } from "./def.js";
import { setPodTemplateDefaults } from "./defaults-podspec.js";
import { forbidden, invalidValue, notSupported } from "./field-errors.js";
import { child, isObject, numAt, objAt, setDefault, strAt } from "./json.js";
import { kindSchema, LabelSelector } from "./schema-meta.js";
import { PodTemplateSpec } from "./schema-podspec.js";
import { bool, desc, int, intOrStr, obj, str } from "./schema.js";
import { col } from "./table.js";

const gvk = { group: appsGroup, version: "v1", kind: "Deployment" };
const apps = (n: string) => `io.k8s.api.apps.v1.${n}`;

export const DeploymentStrategy = obj(
  {
    rollingUpdate: obj(
      {
        maxSurge: intOrStr(
          "The maximum number of pods that can be scheduled above the desired number of pods; defaults to 25%.",
        ),
        maxUnavailable: intOrStr(
          "The maximum number of pods that can be unavailable during the update; defaults to 25%.",
        ),
      },
      {
        name: apps("RollingUpdateDeployment"),
        d: "Rolling update config params; present only if type = RollingUpdate.",
      },
    ),
    type: str('Type of deployment: "Recreate" or "RollingUpdate"; default is RollingUpdate.', {
      enum: ["Recreate", "RollingUpdate"],
    }),
  },
  {
    name: apps("DeploymentStrategy"),
    strategy: "retainKeys",
    d: "The deployment strategy to use to replace existing pods with new ones.",
  },
);

const schema = kindSchema(
  gvk,
  apps("Deployment"),
  {
    spec: obj(
      {
        minReadySeconds: int(
          "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing.",
        ),
        paused: bool("Indicates that the deployment is paused."),
        progressDeadlineSeconds: int(
          "The maximum time in seconds for a deployment to make progress before it is considered to be failed; defaults to 600s.",
        ),
        replicas: int("Number of desired pods; defaults to 1."),
        revisionHistoryLimit: int(
          "The number of old ReplicaSets to retain to allow rollback; defaults to 10.",
        ),
        selector: desc(LabelSelector, "Label selector for pods; it must match the pod template's labels."),
        strategy: desc(
          DeploymentStrategy,
          "The deployment strategy to use to replace existing pods with new ones.",
        ),
        template: desc(PodTemplateSpec, "Template describes the pods that will be created."),
      },
      {
        name: apps("DeploymentSpec"),
        required: ["selector", "template"],
        d: "The specification of the desired behavior of the Deployment.",
      },
    ),
    status: obj(
      {
        availableReplicas: int(
          "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
        ),
        collisionCount: int("Count of hash collisions for the Deployment."),
        conditions: workloadConditions("Deployment"),
        observedGeneration: int("The generation observed by the deployment controller."),
        readyReplicas: int("Number of pods targeted by this Deployment with a Ready Condition."),
        replicas: int(
          "Total number of non-terminated pods targeted by this deployment (their labels match the selector).",
        ),
        terminatingReplicas: int("Number of terminating pods for this deployment."),
        unavailableReplicas: int("Total number of unavailable pods targeted by this deployment."),
        updatedReplicas: int(
          "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
        ),
      },
      { name: apps("DeploymentStatus"), d: "The most recently observed status of the Deployment." },
    ),
  },
  "Deployment enables declarative updates for Pods and ReplicaSets.",
);

function setDefaults(d: KubeObject): void {
  const spec = child(d, "spec");
  setDefault(spec, "replicas", 1);
  const strategy = child(spec, "strategy");
  setDefault(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    setDefault(ru, "maxUnavailable", "25%");
    setDefault(ru, "maxSurge", "25%");
  }
  setDefault(spec, "revisionHistoryLimit", 10);
  setDefault(spec, "progressDeadlineSeconds", 600);
  setPodTemplateDefaults(spec.template);
}

/** IntOrString percent/count checks of ValidateRollingUpdateDeployment. */
function validateIntOrPercent(v: unknown, path: string): StatusCause[] {
  if (v === undefined) return [];
  if (typeof v === "number")
    return v < 0 ? [invalidValue(path, v, "must be greater than or equal to 0")] : [];
  const m = /^(\d+)%$/.exec(String(v));
  if (!m)
    return [
      invalidValue(
        path,
        v,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  return Number(m[1]) > 100 ? [invalidValue(path, v, "must not be greater than 100%")] : [];
}

const isZero = (v: unknown): boolean => v === 0 || v === "0%";

function validate(d: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateWorkload(d, old, "Deployment", { replicas: true });
  const spec = isObject(d.spec) ? d.spec : {};
  for (const f of ["minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"])
    out.push(...validateNonNegative(spec, f, "spec"));
  const pds = numAt(spec, "progressDeadlineSeconds");
  const mrs = numAt(spec, "minReadySeconds") ?? 0;
  if (pds !== undefined && pds <= mrs)
    out.push(invalidValue("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
  const strategy = objAt(spec, "strategy");
  const type = strAt(strategy, "type");
  if (type !== undefined && type !== "Recreate" && type !== "RollingUpdate")
    out.push(notSupported("spec.strategy.type", type, ["Recreate", "RollingUpdate"]));
  const ru = objAt(strategy, "rollingUpdate");
  if (type === "Recreate" && ru)
    out.push(
      forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"),
    );
  if (ru) {
    out.push(...validateIntOrPercent(ru.maxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable"));
    out.push(...validateIntOrPercent(ru.maxSurge, "spec.strategy.rollingUpdate.maxSurge"));
    if (isZero(ru.maxSurge) && isZero(ru.maxUnavailable))
      out.push(
        invalidValue(
          "spec.strategy.rollingUpdate.maxUnavailable",
          ru.maxUnavailable,
          "may not be 0 when `maxSurge` is 0",
        ),
      );
  }
  return out;
}

export const deploymentDef = defineResource({
  ...gvk,
  resource: "deployments",
  shortNames: ["deploy"],
  categories: ["all"],
  namespaced: true,
  status: true,
  scale: {
    specReplicasPath: ".spec.replicas",
    statusReplicasPath: ".status.replicas",
    labelSelectorPath: ".spec.selector",
  },
  hasGeneration: true,
  schema,
  setDefaults,
  validate,
  columns: [
    col("Ready", "string", "Number of the pod with ready state"),
    col(
      "Up-to-date",
      "string",
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    ),
    col(
      "Available",
      "string",
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells: (o) => {
    const status = objAt(o, "status");
    return [
      `${numAt(status, "readyReplicas") ?? 0}/${numAt(o.spec, "replicas") ?? 0}`,
      numAt(status, "updatedReplicas") ?? 0,
      numAt(status, "availableReplicas") ?? 0,
      ...templateCells(o),
    ];
  },
});
