// Reading one protobuf message into JSON by its table (schema.ts), on protobufjs' Reader.
import type protobuf from "protobufjs/minimal.js";
import type { FieldDef, FieldKind, MessageDef } from "./schema.js";

type Reader = protobuf.Reader;
const MAX_DEPTH = 64;

const WIRE_LENGTH_DELIMITED = 2;

function toNumber(v: unknown): number {
  return typeof v === "number" ? v : Number(String(v));
}

function scalar(r: Reader, kind: FieldKind): unknown {
  switch (kind) {
    case "string":
      return r.string();
    case "int32":
      return r.int32();
    case "int64":
      return toNumber(r.int64());
    case "bool":
      return r.bool();
    case "double":
      return r.double();
    case "bytes":
      return Buffer.from(r.bytes()).toString("base64");
    default:
      throw new Error(`not a scalar: ${String(kind)}`);
  }
}

const isZero = (v: unknown) => v === "" || v === 0 || v === false;

/** metav1.Time {seconds, nanos} → RFC 3339 at second precision; the zero time → null. */
function time(r: Reader, end: number): string | null {
  let seconds = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 0) seconds = toNumber(r.int64());
    else r.skipType(tag & 7);
  }
  return seconds === 0 ? null : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** intstr.IntOrString {type, intVal, strVal} → a number or a string. */
function intOrString(r: Reader, end: number): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = "";
  while (r.pos < end) {
    const tag = r.uint32();
    const n = tag >>> 3;
    if (n === 1) type = toNumber(r.int64());
    else if (n === 2) intVal = r.int32();
    else if (n === 3) strVal = r.string();
    else r.skipType(tag & 7);
  }
  return type === 1 ? strVal : intVal;
}

/** resource.Quantity {string} and runtime.RawExtension {raw: JSON bytes}. */
function firstString(r: Reader, end: number): string {
  let s = "";
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) s = r.string();
    else r.skipType(tag & 7);
  }
  return s;
}

function value(r: Reader, kind: FieldKind, depth: number): unknown {
  if (typeof kind === "function") return readMessage(r, r.uint32(), kind(), depth + 1);
  if (kind === "time" || kind === "quantity" || kind === "intOrString" || kind === "rawExtension") {
    const end = r.uint32() + r.pos;
    if (kind === "time") return time(r, end);
    if (kind === "intOrString") return intOrString(r, end);
    const text = firstString(r, end);
    return kind === "rawExtension" ? (text === "" ? {} : (JSON.parse(text) as unknown)) : text;
  }
  return scalar(r, kind);
}

function mapEntry(r: Reader, def: FieldDef, depth: number): [string, unknown] {
  const end = r.uint32() + r.pos;
  let key = "";
  let val: unknown = def.kind === "string" ? "" : undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    const n = tag >>> 3;
    if (n === 1) key = r.string();
    else if (n === 2) val = value(r, def.kind, depth);
    else r.skipType(tag & 7);
  }
  return [key, val ?? (typeof def.kind === "function" ? {} : "")];
}

/** Varint for numbers and booleans, fixed 64-bit for doubles, length-delimited for the rest. */
function expectedWire(f: FieldDef): number {
  if (f.map) return WIRE_LENGTH_DELIMITED;
  if (f.kind === "int32" || f.kind === "int64" || f.kind === "bool") return 0;
  if (f.kind === "double") return 1;
  return WIRE_LENGTH_DELIMITED;
}

/** Reads `length` bytes from `r` as the message `def` describes. */
export function readMessage(r: Reader, length: number, def: MessageDef, depth = 0): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new Error("message nested too deeply");
  const end = r.pos + length;
  if (end > r.len) throw new Error("message runs past the end of the body");
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const number = tag >>> 3;
    const wire = tag & 7;
    const f = def[number];
    if (f === undefined) {
      r.skipType(wire); // a field this decoder does not know: skipped, as an unknown JSON field would be
      continue;
    }
    const packed =
      f.repeated === true && wire === WIRE_LENGTH_DELIMITED && (f.kind === "int32" || f.kind === "int64");
    if (wire !== expectedWire(f) && !packed) {
      throw new Error(`field ${f.name || number} has wire type ${wire}, expected ${expectedWire(f)}`);
    }
    if (f.map) {
      const [k, v] = mapEntry(r, f, depth);
      ((out[f.name] ??= {}) as Record<string, unknown>)[k] = v;
      continue;
    }
    if (packed) {
      const packedEnd = r.uint32() + r.pos;
      const list = (out[f.name] ??= []) as unknown[];
      while (r.pos < packedEnd) list.push(scalar(r, f.kind));
      continue;
    }
    const v = value(r, f.kind, depth);
    if (f.inline) {
      Object.assign(out, v);
    } else if (f.repeated) {
      ((out[f.name] ??= []) as unknown[]).push(v);
    } else if (v === null || (isZero(v) && !f.pointer)) {
      delete out[f.name];
    } else {
      out[f.name] = v;
    }
  }
  return out;
}
