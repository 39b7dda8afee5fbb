import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendJsonList } from "./respond.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Serves one streamed list; answers the client's status, headers and body. */
async function fetchList(
  head: object,
  items: () => Iterable<unknown>,
  slowClient = false,
): Promise<{ status: number; chunked: boolean; body: string; made: number }> {
  let made = 0;
  server = createServer((_req, res) => {
    void sendJsonList(
      res,
      head,
      (async function* () {
        for (const item of items()) {
          made++;
          yield item;
        }
      })(),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/" }, (res) => {
      const chunks: Buffer[] = [];
      if (slowClient) {
        // Not reading for a while: the server must wait for the socket, not make every item.
        res.pause();
        setTimeout(() => {
          expect(made).toBeLessThan(20_000);
          res.resume();
        }, 200);
      }
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          chunked: res.headers["transfer-encoding"] === "chunked",
          body: Buffer.concat(chunks).toString(),
          made,
        }),
      );
    }).on("error", reject);
  });
}

describe("sendJsonList", () => {
  const head = { apiVersion: "v1", kind: "PodList", metadata: { resourceVersion: "7" } };

  it("writes the same JSON as the whole list would be, in pieces", async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      metadata: { name: `p${i}` },
      data: "x".repeat(50),
    }));
    const got = await fetchList(head, () => items);
    expect(got.status).toBe(200);
    expect(got.chunked).toBe(true);
    expect(got.body).toBe(JSON.stringify({ ...head, items }));
  });

  it("writes an empty list", async () => {
    const got = await fetchList(head, () => []);
    expect(JSON.parse(got.body)).toEqual({ ...head, items: [] });
  });

  it("makes items only as fast as the client reads", async () => {
    const n = 40_000;
    const item = { metadata: { name: "p" }, data: "y".repeat(200) };
    const got = await fetchList(head, () => Array.from({ length: n }, () => item), true);
    expect(got.made).toBe(n);
    expect((JSON.parse(got.body) as { items: unknown[] }).items).toHaveLength(n);
  });
});
