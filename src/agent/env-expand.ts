// Kubernetes' `$(VAR)` expansion (third_party/forked/golang/expansion): `$(NAME)` becomes the
// variable's value when it is defined and stays as written when not, `$$` is an escaped `$`,
// and any other `$` is kept. Used for env values and for command and args.

/** A lookup of variables; undefined = not defined (the reference stays as written). */
export type Lookup = (name: string) => string | undefined;

export function expand(input: string, lookup: Lookup): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const { read, isVar, advance } = readVariable(input.slice(cursor + 1));
    out += isVar ? (lookup(read) ?? `$(${read})`) : read;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function readVariable(rest: string): { read: string; isVar: boolean; advance: number } {
  const first = rest[0] ?? "";
  if (first === "$") return { read: "$", isVar: false, advance: 1 };
  if (first === "(") {
    const close = rest.indexOf(")", 1);
    if (close >= 0) return { read: rest.slice(1, close), isVar: true, advance: close + 1 };
    return { read: "$(", isVar: false, advance: 1 };
  }
  return { read: `$${first}`, isVar: false, advance: 1 };
}

/** The first of `maps` that defines the name. */
export function lookupIn(...maps: ReadonlyArray<ReadonlyMap<string, string>>): Lookup {
  return (name) => {
    for (const m of maps) {
      const v = m.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}
