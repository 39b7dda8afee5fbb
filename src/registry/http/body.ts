// Reading a small request body (a manifest) whole, with a hard size bound.
import type { IncomingMessage } from "node:http";
import { RegistryError } from "../errors.js";

export async function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    request.resume();
    throw new RegistryError("PAYLOAD_TOO_LARGE", `body of ${declared} bytes exceeds the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.resume();
      throw new RegistryError("PAYLOAD_TOO_LARGE", `body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
