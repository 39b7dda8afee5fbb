// Field paths and sets of them, as structured-merge-diff (the library behind server-side apply)
// models them: a path is a list of elements — a field name, the key of an item in a map list, the
// value of an item in a set list, or an index — and managedFields stores sets of paths in the
// FieldsV1 form ({"f:spec":{"f:replicas":{}}, "k:{\"name\":\"nginx\"}": {".":{}}}).

export type PathElement =
  | { field: string }
  | { key: [string, unknown][] } // key fields sorted by name
  | { value: unknown }
  | { index: number };

export type Path = readonly PathElement[];

const SEP = "\u0000";

/** The FieldsV1 spelling of one element: `f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`. */
export function elementKey(e: PathElement): string {
  if ("field" in e) return `f:${e.field}`;
  let k = elementKeys.get(e);
  if (k === undefined) {
    if ("key" in e) k = `k:${JSON.stringify(Object.fromEntries(e.key))}`;
    else if ("value" in e) k = `v:${JSON.stringify(e.value)}`;
    else k = `i:${e.index}`;
    elementKeys.set(e, k);
  }
  return k;
}

const elementKeys = new WeakMap<PathElement, string>();

export function parseElementKey(s: string): PathElement | undefined {
  const body = s.slice(2);
  try {
    switch (s.slice(0, 2)) {
      case "f:":
        return { field: body };
      case "k:": {
        const obj: unknown = JSON.parse(body);
        if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return undefined;
        return { key: Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
      }
      case "v:":
        return { value: JSON.parse(body) };
      case "i:":
        return /^\d+$/.test(body) ? { index: Number(body) } : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Go's `%v` of a scalar in a path, strings quoted: how conflicts name list items. */
function valueString(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** `.spec.template.spec.containers[name="nginx"].image`, as conflict messages print a path. */
export function pathString(p: Path): string {
  return p
    .map((e) => {
      if ("field" in e) return `.${e.field}`;
      if ("key" in e) return `[${e.key.map(([k, v]) => `${k}=${valueString(v)}`).join(",")}]`;
      if ("value" in e) return `[=${valueString(e.value)}]`;
      return `[${e.index}]`;
    })
    .join("");
}

const keys = new WeakMap<Path, string>();

/** A path's identity: its elements' FieldsV1 spellings joined (computed once per path array). */
function pathKey(p: Path): string {
  let k = keys.get(p);
  if (k === undefined) {
    k = p.map(elementKey).join(SEP);
    keys.set(p, k);
  }
  return k;
}

/** `parent` extended by `e`, its identity derived from the parent's (walks build paths this way). */
export function child(parent: Path, e: PathElement): Path {
  const p = [...parent, e];
  keys.set(p, parent.length === 0 ? elementKey(e) : pathKey(parent) + SEP + elementKey(e));
  return p;
}

/** A set of paths (treated as immutable once built: the operations return new sets). */
export class FieldSet {
  readonly #paths: Map<string, Path>;
  #prefixes: Set<string> | undefined;

  constructor(paths: Iterable<Path> = []) {
    this.#paths = new Map();
    for (const p of paths) this.insert(p);
  }

  static #of(entries: Iterable<[string, Path]>): FieldSet {
    const s = new FieldSet();
    for (const [k, p] of entries) s.#paths.set(k, p);
    return s;
  }

  insert(p: Path): void {
    this.#paths.set(pathKey(p), p);
    this.#prefixes = undefined;
  }

  has(p: Path): boolean {
    return this.#paths.has(pathKey(p));
  }

  /** Whether some path of the set lies strictly below `p`. */
  hasBelow(p: Path): boolean {
    if (this.#prefixes === undefined) {
      const prefixes = new Set<string>();
      for (const k of this.#paths.keys()) {
        if (k === "") continue;
        prefixes.add("");
        for (let i = k.indexOf(SEP); i >= 0; i = k.indexOf(SEP, i + 1)) prefixes.add(k.slice(0, i));
      }
      this.#prefixes = prefixes;
    }
    return this.#prefixes.has(pathKey(p));
  }

  get size(): number {
    return this.#paths.size;
  }

  isEmpty(): boolean {
    return this.#paths.size === 0;
  }

  paths(): Path[] {
    return [...this.#paths.values()];
  }

  /** The identities of the paths: FieldsV1 element spellings joined by NUL. */
  keys(): IterableIterator<string> {
    return this.#paths.keys();
  }

  union(o: FieldSet): FieldSet {
    return FieldSet.#of([...this.#paths, ...o.#paths]);
  }

  difference(o: FieldSet): FieldSet {
    return FieldSet.#of([...this.#paths].filter(([k]) => !o.#paths.has(k)));
  }

  intersection(o: FieldSet): FieldSet {
    return FieldSet.#of([...this.#paths].filter(([k]) => o.#paths.has(k)));
  }

  /** The paths not equal to nor below any of `prefixes` (structured-merge-diff's RecursiveDifference of single paths). */
  without(prefixes: Path[]): FieldSet {
    const roots = prefixes.map(pathKey);
    return FieldSet.#of(
      [...this.#paths].filter(([k]) => !roots.some((r) => k === r || k.startsWith(r + SEP))),
    );
  }
}

interface Trie {
  member: boolean;
  children: Map<string, Trie>;
}

const KIND_ORDER = ["f:", "k:", "v:", "i:"];

/** The FieldsV1 JSON of a set: members are `{}`, a member with children also has `".": {}`. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Trie = { member: false, children: new Map() };
  for (const key of set.keys()) {
    if (key === "") continue;
    let node = root;
    for (const k of key.split(SEP)) {
      let next = node.children.get(k);
      if (!next) {
        next = { member: false, children: new Map() };
        node.children.set(k, next);
      }
      node = next;
    }
    node.member = true;
  }
  return encode(root);
}

function encode(node: Trie): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.member && node.children.size > 0) out["."] = {};
  const keys = [...node.children.keys()].sort((a, b) => {
    const ka = KIND_ORDER.indexOf(a.slice(0, 2));
    const kb = KIND_ORDER.indexOf(b.slice(0, 2));
    return ka - kb || (a < b ? -1 : a > b ? 1 : 0);
  });
  for (const k of keys) out[k] = encode(node.children.get(k) as Trie);
  return out;
}

/** The set a FieldsV1 JSON describes; undefined when it is not well formed. */
export function fromFieldsV1(v: unknown): FieldSet | undefined {
  const set = new FieldSet();
  const walk = (node: unknown, path: Path): boolean => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return false;
    const entries = Object.entries(node);
    if (entries.length === 0 && path.length > 0) set.insert(path);
    for (const [k, value] of entries) {
      if (k === ".") {
        if (path.length > 0) set.insert(path);
        continue;
      }
      const e = parseElementKey(k);
      if (!e || !walk(value, child(path, e))) return false;
    }
    return true;
  };
  return walk(v, []) ? set : undefined;
}
