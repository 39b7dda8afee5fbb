// The admin kubeconfig `skiff server` writes and `skiff kubeconfig` prints: one cluster, user
// and context, all named `skiff`, the CA embedded (kubectl-wire §1).
import { stringify } from "yaml";

export function kubeconfigYaml(o: {
  server: string;
  caPem: string;
  token: string;
  user?: string;
  namespace?: string;
}): string {
  const user = o.user ?? "skiff";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "skiff",
        cluster: {
          server: o.server,
          "certificate-authority-data": Buffer.from(o.caPem).toString("base64"),
        },
      },
    ],
    users: [{ name: user, user: { token: o.token } }],
    contexts: [
      {
        name: "skiff",
        context: { cluster: "skiff", user, ...(o.namespace !== undefined && { namespace: o.namespace }) },
      },
    ],
    "current-context": "skiff",
    preferences: {},
  });
}
