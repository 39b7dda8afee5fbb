// The three networks every container can join: `bridge` (the engine's CNI bridge), `host`
// and `none`. They are fixed; creating more is not supported.
import { createHash } from "node:crypto";
import { EngineError, notFound } from "./errors.js";
import { filtersParam } from "./params.js";
import { sendJson } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

const NETWORKS = [
  { Name: "bridge", Driver: "bridge" },
  { Name: "host", Driver: "host" },
  { Name: "none", Driver: "null" },
] as const;

function networkId(name: string): string {
  // Stable IDs, so `docker network ls` shows the same ID every time.
  return createHash("sha256").update(`skiff-network:${name}`).digest("hex");
}

/** Docker's Network document for one of the fixed networks. */
export function networkDocument(n: (typeof NETWORKS)[number], bridge: { subnet?: string }) {
  return {
    Name: n.Name,
    Id: networkId(n.Name),
    Created: "0001-01-01T00:00:00Z",
    Scope: "local",
    Driver: n.Driver,
    EnableIPv4: n.Name === "bridge",
    EnableIPv6: false,
    IPAM: {
      Driver: "default",
      Options: null,
      Config: n.Name === "bridge" && bridge.subnet !== undefined ? [{ Subnet: bridge.subnet }] : [],
    },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: {},
  };
}

function find(ref: string) {
  return NETWORKS.find((n) => n.Name === ref || (ref.length >= 1 && networkId(n.Name).startsWith(ref)));
}

export function networkRoutes(bridge: { subnet?: string }): Route[] {
  const list = (ex: Exchange) => {
    const filters = filtersParam(ex.query);
    let result = NETWORKS.map((n) => networkDocument(n, bridge));
    if (filters.name) result = result.filter((n) => filters.name?.some((f) => n.Name.includes(f)));
    if (filters.driver) result = result.filter((n) => filters.driver?.includes(n.Driver));
    if (filters.id) result = result.filter((n) => filters.id?.some((f) => n.Id.startsWith(f)));
    sendJson(ex, 200, result);
    return Promise.resolve();
  };
  const inspect = (ex: Exchange) => {
    const ref = ex.params.id as string;
    const n = find(ref);
    if (n === undefined) throw notFound(`network ${ref} not found`);
    sendJson(ex, 200, networkDocument(n, bridge));
    return Promise.resolve();
  };
  const unsupported = () => {
    throw new EngineError(501, "custom networks are not supported by this engine: use bridge, host or none");
  };
  return [
    route("network.list", "GET", /^\/networks$/, list),
    route("network.create", "POST", /^\/networks\/create$/, () => Promise.resolve().then(unsupported)),
    route("network.prune", "POST", /^\/networks\/prune$/, (ex) =>
      Promise.resolve(sendJson(ex, 200, { NetworksDeleted: null })),
    ),
    route("network.inspect", "GET", /^\/networks\/(?<id>[^/]+)$/, inspect),
    route("network.remove", "DELETE", /^\/networks\/(?<id>[^/]+)$/, () =>
      Promise.resolve().then(unsupported),
    ),
  ];
}
