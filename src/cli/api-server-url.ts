// The --server flag of `skiff agent` and `skiff kubeconfig`: the URL of a cluster's Kubernetes API.
import { CliError } from "./admin-client.js";

/** `server` as the https:// URL of a Kubernetes API, or a CliError that says what is expected. */
export function parseApiServerUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(
      `--server: expected a URL such as https://10.0.0.5:6443, got ${JSON.stringify(server)}`,
    );
  }
  if (url.protocol !== "https:") throw new CliError("--server: the Kubernetes API is served over https://");
  return url;
}
