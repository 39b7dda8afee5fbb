// OpenAPI v3 (kubectl-wire §5): the index `/openapi/v3` naming one document per served
// group-version with a content hash in its URL (kubectl caches documents by URL), and the
// documents themselves from the catalog. `/openapi/v2` is never served (kubectl asks it only as
// protobuf and copes with 404).
import { createHash } from "node:crypto";
import type { HttpCatalog } from "./deps.js";

interface Doc {
  text: string;
  hash: string;
}

/** The rendered documents, built once per catalog (the catalog does not change while serving). */
export class OpenApiDocs {
  readonly #catalog: HttpCatalog;
  #docs: Map<string, Doc> | undefined;

  constructor(catalog: HttpCatalog) {
    this.#catalog = catalog;
  }

  #all(): Map<string, Doc> {
    if (this.#docs !== undefined) return this.#docs;
    const docs = new Map<string, Doc>();
    for (const g of this.#catalog.groups()) {
      for (const version of g.versions) {
        const key = g.group === "" ? `api/${version}` : `apis/${g.group}/${version}`;
        const text = JSON.stringify(this.#catalog.openapiV3({ group: g.group, version }));
        const hash = createHash("sha512").update(text).digest("hex").toUpperCase();
        docs.set(key, { text, hash });
      }
    }
    this.#docs = docs;
    return docs;
  }

  index(): object {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, doc] of this.#all())
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
    return { paths };
  }

  /** `api/v1` or `apis/G/V`; undefined when not served. */
  document(key: string): Doc | undefined {
    return this.#all().get(key);
  }
}
