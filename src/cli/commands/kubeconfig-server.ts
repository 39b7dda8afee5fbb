// `skiff kubeconfig --server`: the admin kubeconfig pointed at another address of the server.
// Its own module so that the YAML library is loaded only by the command that needs it.
import { parseDocument } from "yaml";
import { CliError } from "../admin-client.js";

/** The kubeconfig text with every cluster's server set to `server`. */
export function withServer(text: string, server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(
      `--server: expected a URL such as https://10.0.0.5:6443, got ${JSON.stringify(server)}`,
    );
  }
  if (url.protocol !== "https:") throw new CliError("--server: the Kubernetes API is served over https://");
  const doc = parseDocument(text);
  const clusters: unknown = doc.toJS()?.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) throw new CliError("the kubeconfig has no clusters");
  for (let i = 0; i < clusters.length; i++) doc.setIn(["clusters", i, "cluster", "server"], server);
  return doc.toString();
}
