import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { kubeconfigYaml } from "./kubeconfig.js";

describe("kubeconfigYaml", () => {
  it("names cluster, user and context skiff and embeds the CA as base64", () => {
    const caPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const doc = parse(kubeconfigYaml({ server: "https://127.0.0.1:6443", caPem, token: "t0k" })) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "skiff",
          cluster: {
            server: "https://127.0.0.1:6443",
            "certificate-authority-data": Buffer.from(caPem).toString("base64"),
          },
        },
      ],
      users: [{ name: "skiff", user: { token: "t0k" } }],
      contexts: [{ name: "skiff", context: { cluster: "skiff", user: "skiff" } }],
      "current-context": "skiff",
    });
  });

  it("takes a user name and a namespace", () => {
    const doc = parse(
      kubeconfigYaml({ server: "https://h:1", caPem: "x", token: "t", user: "bob", namespace: "dev" }),
    ) as { users: { name: string }[]; contexts: { context: Record<string, string> }[] };
    expect(doc.users[0]?.name).toBe("bob");
    expect(doc.contexts[0]?.context).toEqual({ cluster: "skiff", user: "bob", namespace: "dev" });
  });
});
