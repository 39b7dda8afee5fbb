// kubeadm's discovery: the `cluster-info` ConfigMap in kube-public holds a kubeconfig with the
// cluster's CA, readable without credentials; a joining node fetches it and trusts the CA only
// if its public key hashes to the `sha256:<hex>` it was given with the join token.
import { createHash, X509Certificate } from "node:crypto";
import { parse, stringify } from "yaml";
import type { KubeObject } from "../types.js";

export const CLUSTER_INFO_NAMESPACE = "kube-public";
export const CLUSTER_INFO_NAME = "cluster-info";

/** `sha256:<hex>` of the CA certificate's SubjectPublicKeyInfo, as kubeadm's --discovery-token-ca-cert-hash. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: "spki", format: "der" });
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** Whether `caPem` has the pinned `hash` (`sha256:` prefix optional, hex case-insensitive). */
export function caMatchesHash(caPem: string, hash: string): boolean {
  const want = hash.trim().toLowerCase();
  return caCertHash(caPem) === (want.startsWith("sha256:") ? want : `sha256:${want}`);
}

/** The ConfigMap that publishes `server` and its CA (kubeadm's format: a kubeconfig, no users). */
export function clusterInfoConfigMap(o: { server: string; caPem: string }): KubeObject {
  const kubeconfig = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "",
        cluster: {
          server: o.server,
          "certificate-authority-data": Buffer.from(o.caPem).toString("base64"),
        },
      },
    ],
    contexts: [],
    "current-context": "",
    preferences: {},
    users: [],
  });
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: CLUSTER_INFO_NAME, namespace: CLUSTER_INFO_NAMESPACE },
    data: { kubeconfig },
  };
}

/** The server and CA a cluster-info ConfigMap publishes; throws when it has none. */
export function readClusterInfo(cm: KubeObject): { server: string; caPem: string } {
  const text = (cm.data as Record<string, unknown> | undefined)?.kubeconfig;
  if (typeof text !== "string") throw new Error("cluster-info has no kubeconfig");
  const doc = parse(text) as { clusters?: { cluster?: Record<string, unknown> }[] } | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  const server = cluster?.server;
  const caData = cluster?.["certificate-authority-data"];
  if (typeof server !== "string" || typeof caData !== "string") {
    throw new Error("cluster-info's kubeconfig names no server and CA");
  }
  return { server, caPem: Buffer.from(caData, "base64").toString("utf8") };
}
