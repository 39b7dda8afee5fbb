import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { configMap, defs, newRegistry, ns, writeOpts } from "./registry.test-util.js";

const cmBytes = (name: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: "default", uid: name },
    }),
  );

describe("list", () => {
  it("streams a list longer than one store read from one snapshot", async () => {
    const { registry, store } = await newRegistry();
    const names = Array.from({ length: 1100 }, (_, i) => `c${String(i).padStart(4, "0")}`);
    for (const name of names) await store.create(`/registry/core/configmaps/default/${name}`, cmBytes(name));
    const lazy = await registry.listLazily(defs.configmaps, "default", {});
    const seen: string[] = [];
    for await (const item of lazy.items) {
      seen.push(item.metadata.name as string);
      if (seen.length === 1) {
        // Changes after the first read are not in the list: later reads use its revision.
        await registry.create(defs.configmaps, "default", configMap("c9999"), writeOpts());
        await registry.delete(defs.configmaps, "default", "c1050", writeOpts());
      }
    }
    expect(seen).toEqual(names);
    expect(lazy.head.metadata.continue).toBeUndefined();
  });

  it("answers the same list lazily, items made as they are iterated, with and without selectors and limits", async () => {
    const { registry } = await newRegistry();
    for (let i = 0; i < 4; i++) {
      await registry.create(
        defs.configmaps,
        "default",
        configMap(`c${i}`, {}, { n: String(i % 2) }),
        writeOpts(),
      );
    }
    for (const o of [{}, { limit: 3 }, { labelSelector: "n=1" }]) {
      const whole = await registry.list(defs.configmaps, "default", o);
      const lazy = await registry.listLazily(defs.configmaps, "default", o);
      const items = [];
      for await (const item of lazy.items) items.push(item);
      expect({ ...lazy.head, items }).toEqual(whole);
    }
  });

  it("pages with limit/continue over one snapshot, counting what remains", async () => {
    const { registry } = await newRegistry();
    for (let i = 0; i < 5; i++)
      await registry.create(defs.configmaps, "default", configMap(`c${i}`), writeOpts());
    const p1 = await registry.list(defs.configmaps, "default", { limit: 2 });
    expect(p1).toMatchObject({ apiVersion: "v1", kind: "ConfigMapList" });
    expect(p1.items.map((i) => i.metadata.name)).toEqual(["c0", "c1"]);
    expect(p1.metadata.remainingItemCount).toBe(3);
    expect(p1.items[0]).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
    // A write after the first page is not seen by later pages (same snapshot).
    await registry.create(defs.configmaps, "default", configMap("c2a"), writeOpts());
    const p2 = await registry.list(defs.configmaps, "default", {
      limit: 2,
      continue: p1.metadata.continue as string,
    });
    expect(p2.items.map((i) => i.metadata.name)).toEqual(["c2", "c3"]);
    expect(p2.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
    const p3 = await registry.list(defs.configmaps, "default", {
      limit: 2,
      continue: p2.metadata.continue as string,
    });
    expect(p3.items.map((i) => i.metadata.name)).toEqual(["c4"]);
    expect(p3.metadata.continue).toBeUndefined();
  });

  it("filters by label and field selectors, filling pages past non-matching items", async () => {
    const { registry } = await newRegistry();
    await registry.create(defs.namespaces, undefined, ns("other"), writeOpts());
    for (let i = 0; i < 6; i++) {
      await registry.create(
        defs.configmaps,
        "default",
        configMap(`c${i}`, {}, { parity: i % 2 ? "odd" : "even" }),
        writeOpts(),
      );
    }
    await registry.create(defs.configmaps, "other", configMap("c9", {}, { parity: "odd" }), writeOpts());
    const odd = await registry.list(defs.configmaps, undefined, { labelSelector: "parity=odd", limit: 2 });
    expect(odd.items.map((i) => i.metadata.name)).toEqual(["c1", "c3"]);
    expect(odd.metadata.remainingItemCount).toBeUndefined();
    const rest = await registry.list(defs.configmaps, undefined, {
      labelSelector: "parity=odd",
      continue: odd.metadata.continue as string,
    });
    expect(rest.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      "default/c5",
      "other/c9",
    ]);
    const byName = await registry.list(defs.configmaps, undefined, {
      fieldSelector: "metadata.name=c9,metadata.namespace=other",
    });
    expect(byName.items).toHaveLength(1);
    await expect(registry.list(defs.configmaps, undefined, { fieldSelector: "spec.x=1" })).rejects.toThrow(
      "field label not supported: spec.x",
    );
  });

  it("answers 410 Gone for a continue token whose snapshot was compacted", async () => {
    const { registry, store } = await newRegistry();
    for (let i = 0; i < 3; i++)
      await registry.create(defs.configmaps, "default", configMap(`c${i}`), writeOpts());
    const p1 = await registry.list(defs.configmaps, "default", { limit: 1 });
    await registry.create(defs.configmaps, "default", configMap("late"), writeOpts());
    store.compact(await store.currentRevision());
    const err = await registry
      .list(defs.configmaps, "default", { limit: 1, continue: p1.metadata.continue as string })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(410);
    expect((err as ApiError).message).toMatch(/^The provided continue parameter is too old/);
    await expect(registry.list(defs.configmaps, "default", { continue: "garbage!" })).rejects.toMatchObject({
      code: 400,
    });
  });
});
