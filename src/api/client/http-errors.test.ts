import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { apiErrorFromResponse } from "./http-errors.js";
import { queryString, resourcePath } from "./http-paths.js";
import { watchEvents } from "./watch-lines.js";

describe("apiErrorFromResponse", () => {
  it("keeps a Status body's reason, message and details", () => {
    const status = new ApiError("NotFound", 'pods "x" not found', { name: "x", kind: "pods" }).toStatus();
    const err = apiErrorFromResponse(404, JSON.stringify(status));
    expect(err).toBeInstanceOf(ApiError);
    expect([err.reason, err.code, err.message, err.details]).toEqual([
      "NotFound",
      404,
      'pods "x" not found',
      { name: "x", kind: "pods" },
    ]);
    expect(
      apiErrorFromResponse(410, JSON.stringify(new ApiError("Expired", "too old").toStatus())).reason,
    ).toBe("Expired");
  });

  it("falls back on the HTTP code when the body is not a Status", () => {
    expect(apiErrorFromResponse(401, "").reason).toBe("Unauthorized");
    expect(apiErrorFromResponse(409, "{}").reason).toBe("Conflict");
    const proxy = apiErrorFromResponse(502, "<html>bad gateway</html>");
    expect([proxy.reason, proxy.message]).toEqual(["InternalError", "<html>bad gateway</html>"]);
  });
});

describe("resource paths", () => {
  const pods = { group: "", version: "v1", resource: "pods", namespaced: true };
  const deployments = { group: "apps", version: "v1", resource: "deployments", namespaced: true };
  const nodes = { group: "", version: "v1", resource: "nodes", namespaced: false };
  it("build core, group, namespaced and cluster-wide URLs", () => {
    expect(resourcePath(pods, { namespace: "a b", name: "p", subresource: "status" })).toBe(
      "/api/v1/namespaces/a%20b/pods/p/status",
    );
    expect(resourcePath(pods)).toBe("/api/v1/pods");
    expect(resourcePath(deployments, { namespace: "x" })).toBe("/apis/apps/v1/namespaces/x/deployments");
    expect(resourcePath(nodes, { namespace: "ignored", name: "n1" })).toBe("/api/v1/nodes/n1");
    expect(queryString({ watch: true, labelSelector: "a=b,c in (d)", limit: undefined })).toBe(
      "?watch=true&labelSelector=a%3Db%2Cc+in+%28d%29",
    );
    expect(queryString({})).toBe("");
  });
});

describe("watchEvents", () => {
  async function* chunks(parts: string[]): AsyncGenerator<Buffer> {
    for (const p of parts) yield Buffer.from(p);
  }
  it("splits lines across chunk boundaries, multi-byte characters included", async () => {
    const a = JSON.stringify({ type: "ADDED", object: { metadata: { name: "é" } } });
    const b = JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } });
    const text = `${a}\n\n${b}`;
    const bytes = Buffer.from(text);
    const mid = bytes.indexOf(Buffer.from("é")) + 1; // inside the two bytes of é
    async function* split(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, mid);
      yield bytes.subarray(mid, mid + 20);
      yield bytes.subarray(mid + 20);
    }
    const events = [];
    for await (const ev of watchEvents(split())) events.push(ev);
    expect(events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK"]);
    expect(events[0]?.object.metadata.name).toBe("é");
  });

  it("rejects lines that are not watch events", async () => {
    const read = async (text: string): Promise<unknown> => {
      for await (const ev of watchEvents(chunks([text]))) void ev;
      return undefined;
    };
    await expect(read("not json\n")).rejects.toThrow(/not JSON/);
    await expect(read('{"type":"NOPE","object":{}}\n')).rejects.toThrow(/not a watch event/);
  });
});
