// `skiff kubeconfig --server`: the admin kubeconfig pointed at another address of the server.
// Its own module so that the YAML library is loaded only by the command that needs it.
import { parseDocument } from "yaml";
import { CliError } from "../admin-client.js";
import { parseApiServerUrl } from "../api-server-url.js";

/** The kubeconfig text with every cluster's server set to `server`. */
export function withServer(text: string, server: string): string {
  parseApiServerUrl(server);
  const doc = parseDocument(text);
  const clusters: unknown = doc.toJS()?.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) throw new CliError("the kubeconfig has no clusters");
  for (let i = 0; i < clusters.length; i++) doc.setIn(["clusters", i, "cluster", "server"], server);
  return doc.toString();
}
