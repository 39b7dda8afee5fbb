// Which PodStreams serve a node: the ones set in process (the server's own node), else the
// node's stream endpoint, reached with the API server's client certificate (made on first use).
import type { ClusterClient } from "../client/cluster.js";
import { createClientCert, type KeyAndCert } from "../auth/certs.js";
import type { PodStreams, PodStreamsResolver } from "../streams.js";
import { NodeStreamsClient, nodeEndpoint } from "./client.js";
import { STREAM_CLIENT_USER } from "./protocol.js";

export class NodeStreamsResolver {
  #local: PodStreamsResolver = () => undefined;
  readonly #client: ClusterClient;
  readonly #ca: KeyAndCert;
  #clientCert: Promise<KeyAndCert> | undefined;

  constructor(o: { client: ClusterClient; ca: KeyAndCert }) {
    this.#client = o.client;
    this.#ca = o.ca;
  }

  setLocal(resolver: PodStreamsResolver): void {
    this.#local = resolver;
  }

  readonly resolve: PodStreamsResolver = (nodeName) => this.#local(nodeName) ?? this.#remote(nodeName);

  #remote(nodeName: string): PodStreams {
    const nodes = this.#client.resource({ apiVersion: "v1", kind: "Node" });
    const clientCert = (this.#clientCert ??= createClientCert(this.#ca, { user: STREAM_CLIENT_USER }));
    return new NodeStreamsClient({
      node: async () => nodeEndpoint(await nodes.get(undefined, nodeName)),
      clientCert,
    });
  }
}
