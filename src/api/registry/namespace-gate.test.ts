import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { MemoryStore } from "./memory-store.js";
import { NamespaceGate } from "./namespace-gate.js";
import { namespaceKey } from "./keys.js";

const logger = pino({ level: "silent" });
const value = (name: string, o: { deleting?: boolean } = {}): Buffer =>
  Buffer.from(
    JSON.stringify({
      kind: "Namespace",
      metadata: { name, ...(o.deleting && { deletionTimestamp: "2026-12-07T10:00:00Z" }) },
      status: { phase: o.deleting ? "Terminating" : "Active" },
    }),
  );

/** Polls until `check` holds (the gate follows the store asynchronously). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe("NamespaceGate", () => {
  it("answers only once it follows the store, and only for namespaces it has seen", async () => {
    const store = new MemoryStore();
    await store.create(namespaceKey("a"), value("a"));
    const gate = new NamespaceGate({ store, logger });
    expect(gate.lookup("a")).toBeUndefined(); // not following yet: read the store
    await until(() => gate.lookup("a") !== undefined);
    expect(gate.lookup("a")).toEqual({ terminating: false });
    expect(gate.lookup("missing")).toBeUndefined();
    gate.stop();
  });

  it("follows another server's writes through the watch", async () => {
    const store = new MemoryStore();
    const gate = new NamespaceGate({ store, logger });
    gate.lookup("b");
    await store.create(namespaceKey("b"), value("b"));
    await until(() => gate.lookup("b")?.terminating === false);
    const current = await store.get(namespaceKey("b"));
    await store.update(namespaceKey("b"), value("b", { deleting: true }), current?.modRevision ?? 0);
    await until(() => gate.lookup("b")?.terminating === true);
    await store.delete(namespaceKey("b"));
    await until(() => gate.lookup("b") === undefined);
    gate.stop();
  });

  it("never answers from before a write made through it", async () => {
    const store = new MemoryStore();
    const gate = new NamespaceGate({ store, logger });
    const tracked = gate.tracking(store);
    const made = await tracked.create(namespaceKey("c"), value("c"));
    await until(() => gate.lookup("c") !== undefined);
    const writing = tracked.update(namespaceKey("c"), value("c", { deleting: true }), made.modRevision);
    // From the moment the write starts until the gate has read past it: the store decides.
    expect(gate.lookup("c")).toBeUndefined();
    await writing;
    expect(gate.lookup("c")?.terminating ?? true).toBe(true);
    await until(() => gate.lookup("c") !== undefined);
    expect(gate.lookup("c")).toEqual({ terminating: true });
    // Writes to other keys pass through untouched.
    await tracked.create("/registry/core/configmaps/c/x", Buffer.from("{}"));
    expect(gate.lookup("c")).toEqual({ terminating: true });
    gate.stop();
  });
});
