import { describe, expect, it } from "vitest";
import { parseMountPoints, unescapeMountPath } from "./mounts.js";

describe("mountinfo", () => {
  it("reads the mount point field and decodes octal escapes", () => {
    const text =
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
      "99 22 0:50 / /data/snap\\040shots/1/merged rw - overlay overlay rw,lowerdir=2/fs\n";
    expect(parseMountPoints(text)).toEqual(["/", "/data/snap shots/1/merged"]);
    expect(unescapeMountPath("a\\134b")).toBe("a\\b");
  });
});
