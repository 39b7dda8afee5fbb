// JSON patch and merge patch checked against kubectl patch --local (the API server's libraries):
// the same results, and for JSON patch failures the same words.

import { afterAll, describe, expect, it } from "vitest";
import { requireTool } from "../../../test/support/tools.js";
import { ApiError } from "../errors.js";
import { applyJsonPatch } from "./json-patch.js";
import { kubectlLocal } from "./kubectl-local.test-util.js";
import { applyMergePatch } from "./merge-patch.js";

const hasKubectl = requireTool("kubectl");
const kubectl = kubectlLocal();
afterAll(() => kubectl.close());

const live = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", labels: { a: "1" }, annotations: { "x/y": "1", "t~z": "2" } },
  data: { k: "v", list: "[1,2]" },
};

function ours(patch: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: applyJsonPatch(live, patch) };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { ok: false, error: e.details?.causes?.[0]?.message ?? e.message };
  }
}

const jsonCases: [string, unknown[]][] = [
  [
    "replace and add",
    [
      { op: "replace", path: "/data/k", value: "w" },
      { op: "add", path: "/data/n", value: "1" },
    ],
  ],
  [
    "escaped keys",
    [
      { op: "remove", path: "/metadata/annotations/x~1y" },
      { op: "replace", path: "/metadata/annotations/t~0z", value: "3" },
    ],
  ],
  [
    "move and copy",
    [
      { op: "move", from: "/data/k", path: "/data/m" },
      { op: "copy", from: "/metadata/labels", path: "/metadata/annotations" },
    ],
  ],
  ["replace of a missing key adds it", [{ op: "replace", path: "/data/missing", value: "x" }]],
  ["test of a missing key against null", [{ op: "test", path: "/data/missing", value: null }]],
  ["a failed test", [{ op: "test", path: "/data/k", value: "nope" }]],
  ["remove of a missing key", [{ op: "remove", path: "/data/missing" }]],
  ["a missing parent", [{ op: "add", path: "/spec/x/y", value: 1 }]],
  ["replace under a missing parent", [{ op: "replace", path: "/spec/x", value: 1 }]],
  ["an unknown op", [{ op: "frob", path: "/data/k" }]],
  ["move from a missing key", [{ op: "move", from: "/data/missing", path: "/data/x" }]],
  ["test of a missing index", [{ op: "test", path: "/metadata/finalizers/3", value: 1 }]],
];

describe.skipIf(!hasKubectl)("applyJsonPatch agrees with kubectl patch --local --type json", () => {
  it.each(jsonCases)("%s", async (_name, patch) => {
    expect(ours(patch)).toEqual(await kubectl.patch(live, "json", patch));
  });
});

describe.skipIf(!hasKubectl)("applyMergePatch agrees with kubectl patch --local --type merge", () => {
  it.each([
    ["nested merge and delete", { metadata: { labels: { a: null, b: "2" } }, data: { k: "w" } }],
    ["a list replaces", { metadata: { finalizers: ["x"] } }],
  ])("%s", async (_name, patch) => {
    const theirs = await kubectl.patch(live, "merge", patch);
    expect(theirs.ok).toBe(true);
    expect(applyMergePatch(live, patch)).toEqual(theirs.ok ? theirs.value : undefined);
  });
});
