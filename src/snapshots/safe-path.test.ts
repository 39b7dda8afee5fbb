import { describe, expect, it } from "vitest";
import { cleanEntryName } from "./safe-path.js";

describe("cleanEntryName", () => {
  it("drops leading slashes and dots and resolves inner '..'", () => {
    expect(cleanEntryName("/etc/passwd")).toBe("etc/passwd");
    expect(cleanEntryName("./a//b/./c/")).toBe("a/b/c");
    expect(cleanEntryName("a/b/../c")).toBe("a/c");
    expect(cleanEntryName("./")).toBe("");
  });

  it("refuses names that climb above the root", () => {
    expect(() => cleanEntryName("..")).toThrow(/escapes the root/);
    expect(() => cleanEntryName("a/../../b")).toThrow(/escapes the root/);
    expect(() => cleanEntryName("/../etc")).toThrow(/escapes the root/);
  });
});
