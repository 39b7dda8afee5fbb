import { describe, expect, it } from "vitest";
import { tolerates, untolerated, type Taint } from "./taints.js";

const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
const gpu: Taint = { key: "gpu", value: "yes", effect: "NoSchedule" };

describe("taints", () => {
  it("tolerates by key, operator, value and effect", () => {
    expect(
      tolerates(
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
        unreachable,
      ),
    ).toBe(true);
    expect(
      tolerates(
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" },
        unreachable,
      ),
    ).toBe(false);
    expect(tolerates({ operator: "Exists" }, unreachable)).toBe(true);
    expect(tolerates({ key: "gpu", value: "yes" }, gpu)).toBe(true);
    expect(tolerates({ key: "gpu", operator: "Equal", value: "no" }, gpu)).toBe(false);
    expect(tolerates({ key: "gpu", operator: "Exists" }, gpu)).toBe(true);
    expect(tolerates({ value: "yes" }, gpu)).toBe(false);
  });

  it("lists the untolerated taints of some effects", () => {
    expect(untolerated([unreachable, gpu], [], ["NoExecute"])).toEqual([unreachable]);
    expect(
      untolerated([unreachable, gpu], [{ key: "gpu", operator: "Exists" }], ["NoSchedule", "NoExecute"]),
    ).toEqual([unreachable]);
  });
});
