import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  InvalidDigestError,
  createDigester,
  digestAlgorithm,
  digestHex,
  digestOf,
  finishDigest,
  isDigest,
  parseDigest,
} from "./digest.js";

const SHA256 = `sha256:${"a1".repeat(32)}`;
const SHA512 = `sha512:${"0f".repeat(64)}`;

describe("parseDigest", () => {
  it("accepts sha256 and sha512 digests of the right length", () => {
    expect(parseDigest(SHA256)).toBe(SHA256);
    expect(parseDigest(SHA512)).toBe(SHA512);
    expect(isDigest(SHA256)).toBe(true);
  });

  it.each([
    ["uppercase hex", `sha256:${"A1".repeat(32)}`, "lowercase hex"],
    ["a short sha256", `sha256:${"a".repeat(63)}`, "needs 64"],
    ["a long sha256", `sha256:${"a".repeat(65)}`, "needs 64"],
    ["a sha512 of sha256 length", `sha512:${"a".repeat(64)}`, "needs 128"],
    ["hex-like letters past f", `sha256:${"g".repeat(64)}`, "lowercase hex"],
    ["an unknown algorithm", `md5:${"a".repeat(32)}`, "unsupported algorithm md5"],
    ["a valid-grammar unknown algorithm", `sha256+b64u:${"a".repeat(64)}`, "unsupported algorithm"],
    ["no colon", "a".repeat(64), "does not match"],
    ["an empty encoding", "sha256:", "does not match"],
    ["an empty algorithm", `:${"a".repeat(64)}`, "does not match"],
    ["a path trick", "sha256:../../x", "does not match"],
    ["a slash", `sha256:${"a".repeat(32)}/${"a".repeat(31)}`, "does not match"],
    ["two colons", `sha256:${"a".repeat(32)}:${"a".repeat(31)}`, "does not match"],
    ["surrounding whitespace", ` ${SHA256}`, "does not match"],
    ["an empty string", "", "does not match"],
  ])("rejects %s", (_what, value, reason) => {
    expect(() => parseDigest(value)).toThrow(InvalidDigestError);
    expect(() => parseDigest(value)).toThrow(reason);
    expect(isDigest(value)).toBe(false);
  });

  it("keeps the rejected value and truncates it in the message", () => {
    const value = `sha256:${"z".repeat(500)}`;
    try {
      parseDigest(value);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidDigestError);
      expect((err as InvalidDigestError).value).toBe(value);
      expect((err as Error).message.length).toBeLessThan(200);
    }
  });
});

describe("digest helpers", () => {
  it("digestOf matches node's crypto for strings and bytes", () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    expect(digestOf("hello")).toBe(`sha256:${createHash("sha256").update("hello").digest("hex")}`);
    expect(digestOf(bytes)).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    expect(digestOf(bytes, "sha512")).toBe(`sha512:${createHash("sha512").update(bytes).digest("hex")}`);
    expect(digestOf("")).toBe("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(isDigest(digestOf("x", "sha512"))).toBe(true);
  });

  it("a running digester finishes to the same digest as digestOf", () => {
    const hash = createDigester("sha512");
    hash.update("hel");
    hash.update("lo");
    expect(finishDigest(hash, "sha512")).toBe(digestOf("hello", "sha512"));
  });

  it("splits a digest into algorithm and hex", () => {
    const digest = parseDigest(SHA512);
    expect(digestAlgorithm(digest)).toBe("sha512");
    expect(digestHex(digest)).toBe("0f".repeat(64));
  });
});
