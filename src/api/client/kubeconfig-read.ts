// What a client needs from a kubeconfig: the current context's server, CA and bearer token
// (the form `skiff server` writes; client certificates and exec plugins are not read).
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface KubeconfigConnection {
  server: string;
  caPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

interface Named<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}

interface Kubeconfig {
  clusters?: Named<Record<string, unknown>>[];
  users?: Named<Record<string, unknown>>[];
  contexts?: Named<Record<string, unknown>>[];
  "current-context"?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The connection of the current context (or the first one); throws naming what is missing. */
export function readKubeconfig(text: string): KubeconfigConnection {
  const doc = (parse(text) ?? {}) as Kubeconfig;
  const contexts = doc.contexts ?? [];
  const context = contexts.find((c) => c.name === doc["current-context"])?.context ?? contexts[0]?.context;
  const clusterName = str(context?.cluster);
  const userName = str(context?.user);
  const cluster =
    (doc.clusters ?? []).find((c) => c.name === clusterName)?.cluster ?? doc.clusters?.[0]?.cluster;
  const user = (doc.users ?? []).find((u) => u.name === userName)?.user;
  const server = str(cluster?.server);
  if (server === undefined) throw new Error("the kubeconfig names no server");
  const caData = str(cluster?.["certificate-authority-data"]);
  const caFile = str(cluster?.["certificate-authority"]);
  const caPem =
    caData !== undefined
      ? Buffer.from(caData, "base64").toString("utf8")
      : caFile !== undefined
        ? readFileSync(caFile, "utf8")
        : undefined;
  const token = str(user?.token);
  return {
    server,
    ...(caPem !== undefined && { caPem }),
    ...(token !== undefined && { token }),
    ...(cluster?.["insecure-skip-tls-verify"] === true && { insecureSkipTlsVerify: true }),
  };
}
