import { readFile } from "node:fs/promises";
import { startApiServer } from "../../../test/support/api-server.js";
import { ApiClient } from "../registry/client.js";
import { newRegistry } from "../registry/registry.test-util.js";
import { clusterClientContract } from "./cluster-client.test-util.js";
import { HttpClusterClient } from "./http-client.js";
import { readKubeconfig } from "./kubeconfig-read.js";

clusterClientContract("in-process ApiClient", async () => {
  const { registry } = await newRegistry();
  registry.start();
  return { client: new ApiClient(registry), close: () => registry.close() };
});

clusterClientContract("HttpClusterClient against skiff server", async () => {
  const server = await startApiServer();
  const connection = readKubeconfig(await readFile(server.kubeconfig, "utf8"));
  const client = new HttpClusterClient({ ...connection, userAgent: "contract-test" });
  return {
    client,
    async close() {
      client.close();
      await server.stop();
    },
  };
});
