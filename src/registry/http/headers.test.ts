import { describe, expect, it } from "vitest";
import { RegistryError } from "../errors.js";
import { acceptedTypes, parseContentRange, parseRangeHeader, uploadRange } from "./headers.js";

/** The RegistryError that `fn` throws. */
function thrown(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return err as RegistryError;
  }
  throw new Error("nothing was thrown");
}

describe("parseRangeHeader", () => {
  it("is undefined without a header", () => {
    expect(parseRangeHeader(undefined, 100)).toBeUndefined();
  });

  it("resolves start-end, open-ended and suffix ranges against the size", () => {
    expect(parseRangeHeader("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRangeHeader("bytes=10-10", 100)).toEqual({ start: 10, end: 10 });
    expect(parseRangeHeader("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader(" bytes=0-0 ", 1)).toEqual({ start: 0, end: 0 });
  });

  it("clamps the end and an oversized suffix to the blob", () => {
    expect(parseRangeHeader("bytes=50-1000", 100)).toEqual({ start: 50, end: 99 });
    expect(parseRangeHeader("bytes=-1000", 100)).toEqual({ start: 0, end: 99 });
  });

  it.each([
    ["a start past the end of the blob", "bytes=100-", 100],
    ["a start past the end with an end", "bytes=100-200", 100],
    ["an end before the start", "bytes=9-5", 100],
    ["an empty suffix", "bytes=-0", 100],
    ["any range of an empty blob", "bytes=0-", 0],
    ["a suffix of an empty blob", "bytes=-5", 0],
  ])("rejects %s with 416", (_what, header, size) => {
    const err = thrown(() => parseRangeHeader(header, size));
    expect(err.code).toBe("RANGE_INVALID");
    expect(err.status).toBe(416);
    expect(err.message).toContain("outside the blob");
  });

  it.each(["bytes=-", "bytes=0-1,5-6", "items=0-1", "bytes 0-1", "bytes=a-b", "0-1", ""])(
    "rejects the unsupported form %j",
    (header) => {
      const err = thrown(() => parseRangeHeader(header, 100));
      expect(err.code).toBe("RANGE_INVALID");
      expect(err.message).toContain("unsupported Range header");
    },
  );
});

describe("parseContentRange", () => {
  it("is undefined without a header", () => {
    expect(parseContentRange(undefined)).toBeUndefined();
  });

  it("accepts the spec's bare form and the HTTP form with a unit and total", () => {
    expect(parseContentRange("0-99")).toEqual({ start: 0, end: 99 });
    expect(parseContentRange("bytes 100-199")).toEqual({ start: 100, end: 199 });
    expect(parseContentRange("bytes=100-199")).toEqual({ start: 100, end: 199 });
    expect(parseContentRange("bytes 0-9/10")).toEqual({ start: 0, end: 9 });
    expect(parseContentRange("5-5/*")).toEqual({ start: 5, end: 5 });
  });

  it.each(["9-5", "bytes 0-", "-5", "bytes */10", "0-9/", "kb 0-9", "abc"])("rejects %j", (header) => {
    const err = thrown(() => parseContentRange(header));
    expect(err.code).toBe("RANGE_INVALID");
    expect(err.message).toContain("invalid Content-Range");
  });
});

describe("acceptedTypes", () => {
  it("lists the media types of one or several Accept headers without parameters", () => {
    expect(acceptedTypes(undefined)).toEqual([]);
    expect(acceptedTypes("")).toEqual([]);
    expect(acceptedTypes("application/vnd.oci.image.index.v1+json")).toEqual([
      "application/vnd.oci.image.index.v1+json",
    ]);
    expect(
      acceptedTypes([
        "application/vnd.oci.image.manifest.v1+json; q=0.5, application/json",
        " */*;q=0.1 ,, ",
      ]),
    ).toEqual(["application/vnd.oci.image.manifest.v1+json", "application/json", "*/*"]);
  });
});

describe("uploadRange", () => {
  it("reports the inclusive end of the bytes received", () => {
    expect(uploadRange(0)).toBe("0-0");
    expect(uploadRange(1)).toBe("0-0");
    expect(uploadRange(1024)).toBe("0-1023");
  });
});
