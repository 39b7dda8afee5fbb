// The credential material of access keys: an id that is safe to show and log, and a secret
// shown once. Secrets carry 240 random bits, so a single fast sha256 is as strong as any
// slow password hash would be here, and lets every request be checked cheaply.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const ACCESS_KEY_ID_PREFIX = "SKIA";
const ID_PATTERN = /^SKIA[A-Z2-7]{16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{40}$/;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Whether `value` has the shape of an access key id (user names are lower case, so never do). */
export function isAccessKeyId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** `SKIA` and 16 base32 characters (80 random bits). */
export function newAccessKeyId(): string {
  return ACCESS_KEY_ID_PREFIX + base32(randomBytes(10));
}

/** 40 base64url characters (240 random bits). */
export function newAccessKeySecret(): string {
  return randomBytes(30).toString("base64url");
}

export function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** Whether `secret` hashes to `hash`, in time independent of where they differ. */
export function secretMatches(hash: Uint8Array, secret: string): boolean {
  if (!SECRET_PATTERN.test(secret)) return false;
  const candidate = hashSecret(secret);
  return hash.length === candidate.length && timingSafeEqual(hash, candidate);
}

/** Whether `secret` could be an access key secret at all (cheap check before any lookup). */
export function looksLikeSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}

// RFC 4648 base32 without padding; the input length is a multiple of 5 bytes.
function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
