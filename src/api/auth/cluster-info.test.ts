import { createHash, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCa } from "./certs.js";
import { caCertHash, caMatchesHash, clusterInfoConfigMap, readClusterInfo } from "./cluster-info.js";

describe("cluster-info", () => {
  it("pins a CA by the SHA-256 of its public key, as kubeadm's --discovery-token-ca-cert-hash", async () => {
    const ca = await createCa({ commonName: "skiff-ca" });
    const other = await createCa({ commonName: "skiff-ca" });
    const spki = new X509Certificate(ca.certPem).publicKey.export({ type: "spki", format: "der" });
    const hash = caCertHash(ca.certPem);
    expect(hash).toBe(`sha256:${createHash("sha256").update(spki).digest("hex")}`);
    expect(caMatchesHash(ca.certPem, hash)).toBe(true);
    expect(caMatchesHash(ca.certPem, hash.slice("sha256:".length).toUpperCase())).toBe(true);
    expect(caMatchesHash(other.certPem, hash)).toBe(false);
  });

  it("publishes the server and CA in kube-public and reads them back", async () => {
    const ca = await createCa({ commonName: "skiff-ca" });
    const cm = clusterInfoConfigMap({ server: "https://10.0.0.5:6443", caPem: ca.certPem });
    expect(cm.metadata).toEqual({ name: "cluster-info", namespace: "kube-public" });
    expect(readClusterInfo(cm)).toEqual({ server: "https://10.0.0.5:6443", caPem: ca.certPem });
    expect(() => readClusterInfo({ ...cm, data: {} })).toThrow(/no kubeconfig/);
  });
});
