// core/v1 Event and events.k8s.io/v1 Event: one stored resource (the core form), two views.

import type { StatusCause } from "../errors.js";
import type { KubeObject } from "../types.js";
import { defineResource, type ResourceDef } from "./def.js";
import { ageSince } from "./duration.js";
import { invalidValue, notSupported, required } from "./field-errors.js";
import { isObject, numAt, objAt, strAt } from "./json.js";
import { isDNS1123Subdomain } from "./names.js";
import { core, kindSchema, ObjectReference } from "./schema-meta.js";
import { desc, int, obj, str, time } from "./schema.js";
import { col } from "./table.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./validate-meta.js";

const coreGvk = { group: "", version: "v1", kind: "Event" };
const eventsGvk = { group: "events.k8s.io", version: "v1", kind: "Event" };
const microTime = (d: string) => str(d, { format: "date-time" });

const EventSeries = (name: string) =>
  obj(
    {
      count: int("Number of occurrences in this series up to the last heartbeat time."),
      lastObservedTime: microTime("Time of the last occurrence observed."),
    },
    { name, d: "A series of events: data about a singleton event that is repeated." },
  );

const coreSchema = kindSchema(
  coreGvk,
  core("Event"),
  {
    action: str("What action was taken/failed regarding to the Regarding object."),
    count: int("The number of times this event has occurred."),
    eventTime: microTime("Time when this Event was first observed."),
    firstTimestamp: time("The time at which the event was first recorded."),
    involvedObject: desc(ObjectReference, "The object that this event is about."),
    lastTimestamp: time("The time at which the most recent occurrence of this event was recorded."),
    message: str("A human-readable description of the status of this operation."),
    reason: str(
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    related: desc(ObjectReference, "Optional secondary object for more complex actions."),
    reportingComponent: str("Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`."),
    reportingInstance: str("ID of the controller instance, e.g. `kubelet-xyzf`."),
    series: EventSeries(core("EventSeries")),
    source: obj(
      {
        component: str("Component from which the event is generated."),
        host: str("Node name on which the event is generated."),
      },
      { name: core("EventSource") },
    ),
    type: str("Type of this event (Normal, Warning), new types could be added in the future."),
  },
  "Event is a report of an event somewhere in the cluster.",
  { required: ["metadata", "involvedObject"] },
);

const eventsSchema = kindSchema(
  eventsGvk,
  "io.k8s.api.events.v1.Event",
  {
    action: str("What action was taken/failed regarding to the regarding object."),
    deprecatedCount: int("The deprecated field assuring backward compatibility with core.v1 Event type."),
    deprecatedFirstTimestamp: time(
      "The deprecated field assuring backward compatibility with core.v1 Event type.",
    ),
    deprecatedLastTimestamp: time(
      "The deprecated field assuring backward compatibility with core.v1 Event type.",
    ),
    deprecatedSource: obj(
      {
        component: str("Component from which the event is generated."),
        host: str("Node name on which the event is generated."),
      },
      { name: core("EventSource") },
    ),
    eventTime: microTime("The time when this Event was first observed."),
    note: str("A human-readable description of the status of this operation."),
    reason: str("Why the action was taken; human-readable."),
    regarding: desc(ObjectReference, "The object this Event is about."),
    related: desc(ObjectReference, "Optional secondary object for more complex actions."),
    reportingController: str(
      "The name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.",
    ),
    reportingInstance: str("The ID of the controller instance, e.g. `kubelet-xyzf`."),
    series: EventSeries("io.k8s.api.events.v1.EventSeries"),
    type: str("The type of this event (Normal, Warning), new types could be added in the future."),
  },
  "Event is a report of an event somewhere in the cluster.",
  { required: ["eventTime"] },
);

/** Fields renamed between the two versions: [core, events.k8s.io]. */
const RENAMED: [string, string][] = [
  ["involvedObject", "regarding"],
  ["message", "note"],
  ["reportingComponent", "reportingController"],
  ["source", "deprecatedSource"],
  ["firstTimestamp", "deprecatedFirstTimestamp"],
  ["lastTimestamp", "deprecatedLastTimestamp"],
  ["count", "deprecatedCount"],
];
const SHARED = ["eventTime", "series", "reportingInstance", "action", "reason", "related", "type"];

function convert(o: KubeObject, apiVersion: string, toEvents: boolean): KubeObject {
  const out: KubeObject = { apiVersion, kind: "Event", metadata: o.metadata };
  for (const k of SHARED) if (o[k] !== undefined) out[k] = o[k];
  for (const [c, e] of RENAMED) {
    const [from, to] = toEvents ? [c, e] : [e, c];
    if (o[from] !== undefined && o[from] !== "") out[to] = o[from];
  }
  return out;
}

export const coreToEventsV1 = (o: KubeObject): KubeObject => convert(o, "events.k8s.io/v1", true);
export const eventsV1ToCore = (o: KubeObject): KubeObject => convert(o, "v1", false);

/** LAST SEEN TYPE REASON OBJECT (SUBOBJECT SOURCE) MESSAGE (FIRST SEEN COUNT NAME), printEvent. */
const table: ResourceDef["table"] = {
  columns: [
    col("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
    col(
      "Reason",
      "string",
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col("Object", "string", "The object that this event is about."),
    col("Subobject", "string", "The specific part of the object that this event is about.", { wide: true }),
    col("Source", "string", "The component reporting this event.", { wide: true }),
    col("Message", "string", "A human-readable description of the status of this operation."),
    col("First Seen", "string", "The time at which the event was first recorded.", { wide: true }),
    col("Count", "string", "The number of times this event has occurred.", { wide: true }),
    col("Name", "string", "Name must be unique within a namespace.", { wide: true, format: "name" }),
  ],
  cells(e, now) {
    const first = strAt(e, "firstTimestamp")
      ? ageSince(strAt(e, "firstTimestamp"), now)
      : ageSince(strAt(e, "eventTime"), now);
    let last = strAt(e, "lastTimestamp") ? ageSince(strAt(e, "lastTimestamp"), now) : first;
    let count = numAt(e, "count") ?? 0;
    const series = objAt(e, "series");
    if (series) {
      last = ageSince(strAt(series, "lastObservedTime"), now);
      count = numAt(series, "count") ?? 0;
    } else if (count === 0) count = 1;
    const involved = objAt(e, "involvedObject");
    const source = objAt(e, "source");
    const component = strAt(source, "component") || strAt(e, "reportingComponent") || "";
    const instance = strAt(source, "host") || strAt(e, "reportingInstance") || "";
    return [
      last,
      strAt(e, "type") ?? "",
      strAt(e, "reason") ?? "",
      `${(strAt(involved, "kind") ?? "").toLowerCase()}/${strAt(involved, "name") ?? ""}`,
      strAt(involved, "fieldPath") ?? "",
      instance ? `${component}, ${instance}` : component,
      strAt(e, "message") ?? "",
      first,
      count,
      e.metadata.name ?? "",
    ];
  },
};

const involved = (f: string) => (e: KubeObject) => strAt(objAt(e, "involvedObject"), f) ?? "";
const fieldSelectors: ResourceDef["fieldSelectors"] = {
  "involvedObject.kind": involved("kind"),
  "involvedObject.namespace": involved("namespace"),
  "involvedObject.name": involved("name"),
  "involvedObject.uid": involved("uid"),
  "involvedObject.apiVersion": involved("apiVersion"),
  "involvedObject.resourceVersion": involved("resourceVersion"),
  "involvedObject.fieldPath": involved("fieldPath"),
  reason: (e) => strAt(e, "reason") ?? "",
  reportingComponent: (e) => strAt(e, "reportingComponent") ?? "",
  source: (e) => strAt(objAt(e, "source"), "component") ?? "",
  type: (e) => strAt(e, "type") ?? "",
};

function validateCore(e: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateObjectMeta(e, { namespaced: true, name: isDNS1123Subdomain });
  if (old) out.push(...validateObjectMetaUpdate(e, old));
  const ns = strAt(objAt(e, "involvedObject"), "namespace");
  if (ns && e.metadata.namespace && ns !== e.metadata.namespace)
    out.push(invalidValue("involvedObject.namespace", ns, "does not match event.namespace"));
  const type = strAt(e, "type");
  if (type && type !== "Normal" && type !== "Warning")
    out.push(notSupported("type", type, ["Normal", "Warning"]));
  return out;
}

export const eventDef = defineResource({
  ...coreGvk,
  resource: "events",
  shortNames: ["ev"],
  namespaced: true,
  schema: coreSchema,
  validate: validateCore,
  table,
  fieldSelectors,
});

/** events.k8s.io/v1 requires what the new API always sends (ValidateEventCreate for v1). */
function validateEventsV1(e: KubeObject, old?: KubeObject): StatusCause[] {
  const out = validateCore(eventsV1ToCore(e), old && eventsV1ToCore(old));
  if (!isObject(e) || !strAt(e, "eventTime")) out.push(required("eventTime"));
  if (!strAt(e, "reportingController")) out.push(required("reportingController"));
  if (!strAt(e, "reportingInstance")) out.push(required("reportingInstance"));
  if (!strAt(e, "action")) out.push(required("action"));
  if (!strAt(e, "reason")) out.push(required("reason"));
  return out.map((c) =>
    c.field?.startsWith("involvedObject")
      ? { ...c, field: c.field.replace("involvedObject", "regarding") }
      : c,
  );
}

const eventsV1 = defineResource({
  ...eventsGvk,
  resource: "events",
  shortNames: ["ev"],
  namespaced: true,
  schema: eventsSchema,
  storageVersion: "v1",
  toStorage: eventsV1ToCore,
  fromStorage: coreToEventsV1,
  validate: validateEventsV1,
  table: { columns: table.columns, cells: (e, now) => table.cells(eventsV1ToCore(e), now) },
  fieldSelectors: Object.fromEntries(
    Object.entries(fieldSelectors).map(([k, f]) => [k, (e: KubeObject) => f(eventsV1ToCore(e))]),
  ),
});

/** Stored with core Events (under the core group's key space). */
export const eventsV1Def: ResourceDef = { ...eventsV1, storageGroup: "" };
