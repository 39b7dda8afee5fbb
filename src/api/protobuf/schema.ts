// How a Kubernetes protobuf message maps to its JSON form: a table per message from field
// number to JSON name and type. Kubernetes' Go types are generated with gogo-protobuf, which
// writes every non-pointer scalar even when it is zero (an empty `generateName`, a `0`), while
// their JSON drops those (`omitempty`); pointer fields (`replicas`, `immutable`) are written
// only when set, zero included. So zero scalars are dropped unless the field is a pointer.

export type Scalar = "string" | "int32" | "int64" | "bool" | "bytes" | "double";

/** Well-known messages with their own JSON form. */
export type Special = "time" | "quantity" | "intOrString" | "rawExtension";

export type FieldKind = Scalar | Special | (() => MessageDef);

export interface FieldDef {
  name: string;
  kind: FieldKind;
  repeated?: boolean;
  /** A map<string, value kind>: entries are messages {1: key, 2: value}. */
  map?: boolean;
  /** A Go pointer: written only when set, so a zero value is kept. */
  pointer?: boolean;
  /** An embedded struct whose fields JSON puts in the parent (`VolumeSource` in a Volume). */
  inline?: boolean;
}

export type MessageDef = Readonly<Record<number, FieldDef>>;

type Opts = Pick<FieldDef, "repeated" | "map" | "pointer" | "inline">;

export const field = (name: string, kind: FieldKind, opts: Opts = {}): FieldDef => ({ name, kind, ...opts });
export const str = (name: string, opts?: Opts) => field(name, "string", opts);
export const strs = (name: string) => field(name, "string", { repeated: true });
export const i32 = (name: string, opts?: Opts) => field(name, "int32", opts);
export const i64 = (name: string, opts?: Opts) => field(name, "int64", opts);
export const bool = (name: string, opts?: Opts) => field(name, "bool", opts);
export const strMap = (name: string) => field(name, "string", { map: true });
export const msg = (name: string, def: () => MessageDef, opts?: Opts) => field(name, def, opts);
export const msgs = (name: string, def: () => MessageDef) => field(name, def, { repeated: true });
/** An embedded message whose fields JSON flattens into the parent. */
export const inline = (def: () => MessageDef) => field("", def, { inline: true });
