// autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscaler schemas.

import { conditions, kindSchema } from "./schema-meta.js";
import { atomicList, desc, int, obj, quantity, str, time } from "./schema.js";

const v1 = (n: string) => `io.k8s.api.autoscaling.v1.${n}`;
const v2 = (n: string) => `io.k8s.api.autoscaling.v2.${n}`;
export const v1Gvk = { group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler" };
export const v2Gvk = { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" };

const scaleTargetRef = (name: string) =>
  obj(
    {
      apiVersion: str("The API version of the referent."),
      kind: str('The kind of the referent, e.g. "Deployment".'),
      name: str("The name of the referent."),
    },
    { name, required: ["kind", "name"], mapType: "atomic", d: "Points to the target resource to scale." },
  );

export const hpaV1Schema = kindSchema(
  v1Gvk,
  v1("HorizontalPodAutoscaler"),
  {
    spec: obj(
      {
        maxReplicas: int(
          "The upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.",
        ),
        minReplicas: int(
          "The lower limit for the number of replicas to which the autoscaler can scale down; defaults to 1.",
        ),
        scaleTargetRef: scaleTargetRef(v1("CrossVersionObjectReference")),
        targetCPUUtilizationPercentage: int(
          "The target average CPU utilization (as a percentage of requested CPU) over all the pods.",
        ),
      },
      {
        name: v1("HorizontalPodAutoscalerSpec"),
        required: ["scaleTargetRef", "maxReplicas"],
        d: "Specification of a horizontal pod autoscaler.",
      },
    ),
    status: obj(
      {
        currentCPUUtilizationPercentage: int(
          "The current average CPU utilization over all pods, as a percentage of requested CPU.",
        ),
        currentReplicas: int("The current number of replicas of pods managed by this autoscaler."),
        desiredReplicas: int("The desired number of replicas of pods managed by this autoscaler."),
        lastScaleTime: time("The last time the HorizontalPodAutoscaler scaled the number of pods."),
        observedGeneration: int("The most recent generation observed by this autoscaler."),
      },
      {
        name: v1("HorizontalPodAutoscalerStatus"),
        required: ["currentReplicas", "desiredReplicas"],
        d: "Current status of a horizontal pod autoscaler.",
      },
    ),
  },
  "Configuration of a horizontal pod autoscaler.",
);

const MetricTarget = obj(
  {
    averageUtilization: int(
      "The target value of the average of the resource metric across all relevant pods, as a percentage of the requested value.",
    ),
    averageValue: quantity(
      "The target value of the average of the metric across all relevant pods (as a quantity).",
    ),
    type: str("Whether the metric type is Utilization, Value, or AverageValue."),
    value: quantity("The target value of the metric (as a quantity)."),
  },
  {
    name: v2("MetricTarget"),
    required: ["type"],
    d: "The target value, average value, or average utilization of a specific metric.",
  },
);
const MetricValueStatus = obj(
  {
    averageUtilization: int(
      "The current value of the average of the resource metric across all relevant pods, as a percentage.",
    ),
    averageValue: quantity(
      "The current value of the average of the metric across all relevant pods (as a quantity).",
    ),
    value: quantity("The current value of the metric (as a quantity)."),
  },
  { name: v2("MetricValueStatus"), d: "The current value of a metric." },
);
const MetricIdentifier = obj(
  {
    name: str("The name of the given metric."),
    selector: obj(
      {
        matchExpressions: atomicList(
          obj({ key: str(), operator: str(), values: atomicList(str()) }),
          "Requirements.",
        ),
        matchLabels: { node: "map", values: str(), d: "Labels." },
      },
      { mapType: "atomic", d: "The label selector for the given metric." },
    ),
  },
  {
    name: v2("MetricIdentifier"),
    required: ["name"],
    d: "Defines the name and optionally selector for a metric.",
  },
);
const objectRef = obj(
  {
    apiVersion: str("The API version of the referent."),
    kind: str("The kind of the referent."),
    name: str("The name of the referent."),
  },
  {
    name: v2("CrossVersionObjectReference"),
    required: ["kind", "name"],
    d: "Identifies the referred resource.",
  },
);

const metricSource = (
  target: typeof MetricTarget | typeof MetricValueStatus,
  key: "target" | "current",
  suffix: string,
) => ({
  containerResource: obj(
    {
      container: str("The name of the container in the pods of the scaling target."),
      name: str("The name of the resource in question."),
      [key]: target,
    },
    { name: v2(`ContainerResourceMetric${suffix}`), required: ["name", key, "container"] },
  ),
  external: obj(
    { metric: MetricIdentifier, [key]: target },
    { name: v2(`ExternalMetric${suffix}`), required: ["metric", key] },
  ),
  object: obj(
    { describedObject: objectRef, metric: MetricIdentifier, [key]: target },
    { name: v2(`ObjectMetric${suffix}`), required: ["describedObject", key, "metric"] },
  ),
  pods: obj(
    { metric: MetricIdentifier, [key]: target },
    { name: v2(`PodsMetric${suffix}`), required: ["metric", key] },
  ),
  resource: obj(
    { name: str("The name of the resource in question."), [key]: target },
    { name: v2(`ResourceMetric${suffix}`), required: ["name", key] },
  ),
  type: str('The type of metric source: "ContainerResource", "External", "Object", "Pods" or "Resource".'),
});

const ScalingRules = obj(
  {
    policies: atomicList(
      obj(
        {
          periodSeconds: int("The window of time for which the policy should hold true."),
          type: str("Used to specify the scaling policy: Pods or Percent."),
          value: int("The amount of change which is permitted by the policy."),
        },
        { name: v2("HPAScalingPolicy"), required: ["type", "value", "periodSeconds"] },
      ),
      "A list of potential scaling polices which can be used during scaling.",
    ),
    selectPolicy: str("Which policy should be used: Max, Min or Disabled."),
    stabilizationWindowSeconds: int(
      "The number of seconds for which past recommendations should be considered while scaling.",
    ),
    tolerance: quantity("The tolerance on the ratio between the current and desired metric value."),
  },
  { name: v2("HPAScalingRules"), d: "Configures the scaling behavior for one direction." },
);

export const hpaV2Schema = kindSchema(
  v2Gvk,
  v2("HorizontalPodAutoscaler"),
  {
    spec: obj(
      {
        behavior: obj(
          {
            scaleDown: desc(ScalingRules, "Scaling policy for scaling Down."),
            scaleUp: desc(ScalingRules, "Scaling policy for scaling Up."),
          },
          {
            name: v2("HorizontalPodAutoscalerBehavior"),
            d: "Configures the scaling behavior of the target in both Up and Down directions.",
          },
        ),
        maxReplicas: int("The upper limit for the number of replicas to which the autoscaler can scale up."),
        metrics: atomicList(
          obj(metricSource(MetricTarget, "target", "Source"), { name: v2("MetricSpec"), required: ["type"] }),
          "The specifications for which to use to calculate the desired replica count.",
        ),
        minReplicas: int(
          "The lower limit for the number of replicas to which the autoscaler can scale down; defaults to 1.",
        ),
        scaleTargetRef: desc(objectRef, "Points to the target resource to scale."),
      },
      {
        name: v2("HorizontalPodAutoscalerSpec"),
        required: ["scaleTargetRef", "maxReplicas"],
        d: "Describes the desired functionality of the HorizontalPodAutoscaler.",
      },
    ),
    status: obj(
      {
        conditions: conditions(
          obj(
            {
              lastTransitionTime: time(
                "The last time the condition transitioned from one status to another.",
              ),
              message: str("A human-readable explanation containing details about the transition."),
              reason: str("The reason for the condition's last transition."),
              status: str("The status of the condition (True, False, Unknown)."),
              type: str("Describes the current condition."),
            },
            { name: v2("HorizontalPodAutoscalerCondition"), required: ["type", "status"] },
          ),
          "The set of conditions required for this autoscaler to scale its target.",
        ),
        currentMetrics: atomicList(
          obj(metricSource(MetricValueStatus, "current", "Status"), {
            name: v2("MetricStatus"),
            required: ["type"],
          }),
          "The last read state of the metrics used by this autoscaler.",
        ),
        currentReplicas: int("Current number of replicas of pods managed by this autoscaler."),
        desiredReplicas: int("The desired number of replicas of pods managed by this autoscaler."),
        lastScaleTime: time("The last time the HorizontalPodAutoscaler scaled the number of pods."),
        observedGeneration: int("The most recent generation observed by this autoscaler."),
      },
      {
        name: v2("HorizontalPodAutoscalerStatus"),
        required: ["desiredReplicas"],
        d: "Describes the current status of a horizontal pod autoscaler.",
      },
    ),
  },
  "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler.",
);
