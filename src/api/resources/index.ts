// The resources module's public face (docs/api.md "resources/").

export type { PatchSchema, ResourceDef, ScaleSubresource, TableColumn } from "./def.js";
export { ResourceCatalog, builtinCatalog, type ApiGroupInfo } from "./catalog.js";
export { humanDuration, ageSince } from "./duration.js";
export { formatLabelSelector, formatLabels } from "./table.js";
export { parseQuantity } from "./quantity.js";
export { selectorMatches } from "./validate-meta.js";
export { hpaV1ToV2, hpaV2ToV1 } from "./autoscaling-hpa.js";
export { coreToEventsV1, eventsV1ToCore } from "./core-event.js";
