// Decoding the header blocks a SPDY/3 client sends: one zlib stream per connection, primed
// with the SPDY dictionary, each block ending at a sync flush. Calls must not overlap (the
// session decodes frames one at a time, in order).
import { constants, createInflate, type Inflate } from "node:zlib";
import { SPDY3_DICTIONARY } from "./spdy-dictionary.js";
import { decodeHeaderPairs, type Headers } from "./spdy-frames.js";

export class HeaderDecoder {
  readonly #inflate: Inflate;
  #out: Buffer[] = [];
  #error: Error | undefined;

  constructor() {
    this.#inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
    this.#inflate.on("data", (b: Buffer) => this.#out.push(b));
    this.#inflate.on("error", (err) => {
      this.#error = err;
    });
  }

  decode(block: Buffer): Promise<Headers> {
    return new Promise((resolve, reject) => {
      if (this.#error) return reject(this.#error);
      this.#inflate.write(block);
      this.#inflate.flush(constants.Z_SYNC_FLUSH, () => {
        if (this.#error) return reject(this.#error);
        const raw = Buffer.concat(this.#out);
        this.#out = [];
        try {
          resolve(decodeHeaderPairs(raw));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  close(): void {
    this.#inflate.destroy();
  }
}
