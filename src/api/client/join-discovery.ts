// How a joining node learns to trust the API server (kubeadm's token discovery with a CA
// pin): fetch kube-public/cluster-info without credentials and without checking the server's
// certificate, then accept its CA only if the public key hashes to the pinned value. Every
// later connection is checked against that CA, so a server that lied here is refused there.
import {
  caMatchesHash,
  CLUSTER_INFO_NAME,
  CLUSTER_INFO_NAMESPACE,
  readClusterInfo,
} from "../auth/cluster-info.js";
import type { KubeObject } from "../types.js";
import { resourcePath } from "./http-paths.js";
import { HttpsTransport } from "./https-transport.js";

export class JoinDiscoveryError extends Error {}

/** The CA (PEM) of the API server at `server`, verified against `caCertHash` (`sha256:<hex>`). */
export async function discoverClusterCa(o: {
  server: string;
  caCertHash: string;
  timeoutMs?: number;
}): Promise<string> {
  const transport = new HttpsTransport({
    server: o.server,
    insecureSkipTlsVerify: true,
    userAgent: "skiff-agent/discovery",
    ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
  });
  try {
    const path = resourcePath(
      { group: "", version: "v1", resource: "configmaps", namespaced: true },
      { namespace: CLUSTER_INFO_NAMESPACE, name: CLUSTER_INFO_NAME },
    );
    let cm: KubeObject;
    try {
      cm = (await transport.json({ method: "GET", path })) as KubeObject;
    } catch (err) {
      throw new JoinDiscoveryError(
        `cannot read ${CLUSTER_INFO_NAMESPACE}/${CLUSTER_INFO_NAME} from ${o.server}: ${(err as Error).message}` +
          " (create a join token with `skiff token create` on the server: it publishes cluster-info)",
      );
    }
    const { caPem } = readClusterInfo(cm);
    if (!caMatchesHash(caPem, o.caCertHash)) {
      throw new JoinDiscoveryError(
        `the CA that ${o.server} presents does not match --ca-cert-hash ${o.caCertHash}: refusing to join`,
      );
    }
    return caPem;
  } finally {
    transport.close();
  }
}
