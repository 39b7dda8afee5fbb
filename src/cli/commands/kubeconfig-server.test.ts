import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { withServer } from "./kubeconfig-server.js";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: skiff
    cluster:
      server: https://127.0.0.1:6443
      certificate-authority-data: Q0E=
users:
  - name: skiff-admin
    user:
      token: t0ken
contexts:
  - name: skiff
    context: { cluster: skiff, user: skiff-admin }
current-context: skiff
`;

describe("withServer", () => {
  it("points every cluster at the given URL and keeps the rest", () => {
    const out = parse(withServer(KUBECONFIG, "https://10.0.0.5:6443")) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { token: string } }[];
    };
    expect(out.clusters[0]?.cluster).toEqual({
      server: "https://10.0.0.5:6443",
      "certificate-authority-data": "Q0E=",
    });
    expect(out.users[0]?.user.token).toBe("t0ken");
  });

  it("refuses what is not an https URL", () => {
    expect(() => withServer(KUBECONFIG, "10.0.0.5:6443")).toThrow(/expected a URL/);
    expect(() => withServer(KUBECONFIG, "http://10.0.0.5:6443")).toThrow(/https/);
  });
});
