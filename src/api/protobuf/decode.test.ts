// decodeKubeProtobuf on bodies real kubectl 1.32 sent (fixtures/, captured by
// test/api-protobuf-kubectl.test.ts with SKIFF_PB_FIXTURES set; each .json is what the same
// command printed with --dry-run=client -o json), plus wire-format edge cases on bodies built here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs/minimal.js";
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { decodeKubeProtobuf } from "./decode.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

/** Drops nulls and empty objects, which only one of the two forms spells out. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = normalize(x);
    if (n === null || n === undefined) continue;
    if (typeof n === "object" && !Array.isArray(n) && Object.keys(n).length === 0) continue;
    out[k] = n;
  }
  return out;
}

type Build = (w: protobuf.Writer) => void;
const sub = (w: protobuf.Writer, field: number, build: Build) => {
  w.uint32((field << 3) | 2).fork();
  build(w);
  w.ldelim();
};
const str = (w: protobuf.Writer, field: number, s: string) => w.uint32((field << 3) | 2).string(s);

/** `k8s\0` + runtime.Unknown around `raw`. */
function envelope(apiVersion: string, kind: string, raw: Build, extra?: Build): Buffer {
  const inner = protobuf.Writer.create();
  raw(inner);
  const w = protobuf.Writer.create();
  sub(w, 1, (t) => {
    str(t, 1, apiVersion);
    str(t, 2, kind);
  });
  w.uint32((2 << 3) | 2).bytes(inner.finish());
  extra?.(w);
  return Buffer.concat([Buffer.from("k8s\0"), w.finish()]);
}

function reasonOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof ApiError ? err.reason : `not an ApiError: ${String(err)}`;
  }
  return undefined;
}

describe("decodeKubeProtobuf on captured kubectl bodies", () => {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length));

  it("has the fixtures", () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of names) {
    it(`decodes ${name}`, () => {
      const decoded = decodeKubeProtobuf(readFileSync(join(FIXTURES, `${name}.pb`)));
      delete decoded.metadata.namespace;
      const expected: unknown = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8"));
      expect(normalize(decoded)).toEqual(expected);
    });
  }

  it("keeps Secret data as base64 and int-or-string ports as numbers", () => {
    const secret = decodeKubeProtobuf(readFileSync(join(FIXTURES, "secret.pb")));
    expect(secret.data).toEqual({ password: Buffer.from("s3cr3t").toString("base64") });
    const svc = decodeKubeProtobuf(readFileSync(join(FIXTURES, "service.pb")));
    expect((svc.spec as { ports: unknown[] }).ports[0]).toMatchObject({ port: 80, targetPort: 8080 });
  });

  it("reads the SelfSubjectAccessReview of kubectl auth can-i", () => {
    const review = decodeKubeProtobuf(readFileSync(join(FIXTURES, "selfsubjectaccessreview.pb")));
    expect(review.spec).toEqual({
      resourceAttributes: { namespace: "team-a", verb: "create", group: "apps", resource: "deployments" },
    });
  });

  it("answers BadRequest for a real body cut anywhere but between envelope fields", () => {
    const body = readFileSync(join(FIXTURES, "deployment.pb"));
    const decodedAt: number[] = [];
    for (let n = 4; n < body.length; n++) {
      const reason = reasonOf(() => decodeKubeProtobuf(body.subarray(0, n)));
      if (reason === undefined) decodedAt.push(n);
      else expect(reason, `truncated to ${n} bytes`).toBe("BadRequest");
    }
    // after typeMeta, after raw, after the empty contentEncoding: a whole (shorter) envelope
    expect(decodedAt.length).toBeLessThanOrEqual(3);
  });
});

describe("decodeKubeProtobuf wire handling", () => {
  it("refuses a body without the magic prefix", () => {
    expect(reasonOf(() => decodeKubeProtobuf(Buffer.from("{}")))).toBe("BadRequest");
    expect(() => decodeKubeProtobuf(Buffer.alloc(0))).toThrow(/magic prefix/);
  });

  it("refuses an envelope without apiVersion and kind", () => {
    const body = Buffer.from("k8s\0");
    expect(reasonOf(() => decodeKubeProtobuf(body))).toBe("BadRequest");
    expect(() => decodeKubeProtobuf(body)).toThrow(/Object 'Kind' is missing/);
  });

  it("refuses kinds it has no table for, naming them", () => {
    const body = envelope("v1", "What", () => {});
    expect(reasonOf(() => decodeKubeProtobuf(body))).toBe("UnsupportedMediaType");
    expect(() => decodeKubeProtobuf(body)).toThrow(/protobuf encoding of What \(v1\) is not supported/);
  });

  it("refuses a content encoding", () => {
    const body = envelope(
      "v1",
      "Namespace",
      () => {},
      (w) => str(w, 3, "gzip"),
    );
    expect(reasonOf(() => decodeKubeProtobuf(body))).toBe("UnsupportedMediaType");
  });

  it("answers BadRequest when a known field has the wrong wire type", () => {
    // ConfigMap.immutable (4) sent length-delimited instead of as a varint
    const body = envelope("v1", "ConfigMap", (w) => str(w, 4, "yes"));
    expect(reasonOf(() => decodeKubeProtobuf(body))).toBe("BadRequest");
  });

  it("reads Time, Quantity, IntOrString, maps and pointer zeros; skips unknown fields", () => {
    const body = envelope("v1", "Pod", (w) => {
      sub(w, 1, (m) => {
        str(m, 1, "p");
        str(m, 2, ""); // generateName: Go writes it empty; JSON omits it
        sub(m, 8, (t) => t.uint32(8).int64(1_700_000_000).uint32(16).int32(5)); // creationTimestamp
        sub(m, 11, (e) => {
          str(e, 1, "app");
          str(e, 2, "web");
        });
        m.uint32((99 << 3) | 0).uint32(7); // an unknown field
      });
      sub(w, 2, (spec) => {
        sub(spec, 2, (c) => {
          str(c, 1, "main");
          sub(c, 8, (rr) =>
            sub(rr, 1, (e) => {
              str(e, 1, "memory");
              sub(e, 2, (q) => str(q, 1, "64Mi"));
            }),
          );
          sub(c, 10, (probe) => {
            sub(probe, 1, (handler) =>
              sub(handler, 2, (get) => {
                str(get, 1, "/healthz");
                sub(get, 2, (p) => p.uint32(8).int64(1).uint32(26).string("http"));
              }),
            );
            probe.uint32(2 << 3).int32(0); // initialDelaySeconds 0: omitted
          });
        });
        spec.uint32(21 << 3).bool(false); // automountServiceAccountToken: a pointer, false kept
      });
    });
    expect(decodeKubeProtobuf(body)).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", creationTimestamp: "2023-11-14T22:13:20Z", labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "main",
            resources: { limits: { memory: "64Mi" } },
            livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
          },
        ],
        automountServiceAccountToken: false,
      },
    });
  });
});
