// What the HTTP face needs from the modules below it (docs/api.md), as structural types: the
// catalog of served resources, the ApiRegistry's operations, authentication and authorisation,
// protobuf decoding and token issuing. The real classes satisfy these shapes; tests use fakes.
import type { PeerCertificate } from "node:tls";
import type { KubeList, KubeObject, GroupVersion, WatchEvent } from "../types.js";
import type {
  DeleteOptions,
  ListOptions,
  PatchType,
  Subresource,
  UserInfo,
  WatchOptions,
  WriteOptions,
} from "../registry/options.js";
import type { ResourceDef as RegistryResourceDef } from "../registry/deps.js";
import type { LazyList } from "../registry/list-stream.js";
import type { PodStreamsResolver } from "../streams.js";

export type { DeleteOptions, ListOptions, PatchType, Subresource, UserInfo, WatchOptions, WriteOptions };

export type { TableColumn } from "../resources/def.js";

/** resources/ ResourceDef: what the registry needs plus the discovery and Table parts http/ reads. */
export type HttpResourceDef = RegistryResourceDef;

export interface HttpCatalog {
  all(): HttpResourceDef[];
  get(group: string, version: string, resource: string): HttpResourceDef | undefined;
  /** Named and core groups with their versions, preferred first or flagged by `preferred`. */
  groups(): { group: string; versions: string[]; preferred: string }[];
  openapiV3(gv: GroupVersion): object;
}

/** ApiRegistry's operations (method syntax: the registry may ask for its wider ResourceDef). */
export interface HttpRegistry {
  get(def: HttpResourceDef, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(def: HttpResourceDef, namespace: string | undefined, o: ListOptions): Promise<KubeList>;
  /** The same list, its items made one at a time as they are iterated (a large list is streamed). */
  listLazily(def: HttpResourceDef, namespace: string | undefined, o: ListOptions): Promise<LazyList>;
  watch(
    def: HttpResourceDef,
    namespace: string | undefined,
    o: WatchOptions,
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent>;
  create(
    def: HttpResourceDef,
    namespace: string | undefined,
    obj: KubeObject,
    o: WriteOptions,
  ): Promise<KubeObject>;
  update(
    def: HttpResourceDef,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    o: WriteOptions & { subresource?: Subresource },
  ): Promise<KubeObject>;
  patch(
    def: HttpResourceDef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    o: WriteOptions & { subresource?: Subresource; force?: boolean },
  ): Promise<KubeObject>;
  delete(
    def: HttpResourceDef,
    namespace: string | undefined,
    name: string,
    o: WriteOptions & DeleteOptions,
  ): Promise<KubeObject>;
  deleteCollection(
    def: HttpResourceDef,
    namespace: string | undefined,
    l: ListOptions,
    o: WriteOptions & DeleteOptions,
  ): Promise<KubeList>;
  getScale(def: HttpResourceDef, namespace: string | undefined, name: string): Promise<KubeObject>;
  /** POST of pods' binding or eviction; answers a Success Status. */
  createSubresource(
    def: HttpResourceDef,
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: KubeObject,
    o: WriteOptions,
  ): Promise<KubeObject>;
}

/** Kubernetes' authorizer.Attributes. */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
}

export interface HttpAuthenticator {
  /** undefined when the credentials are not valid. */
  authenticate(req: {
    authorization?: string;
    peerCertificate?: PeerCertificate;
  }): Promise<UserInfo | undefined>;
}

export interface HttpAuthorizer {
  authorize(a: RequestAttributes): Promise<{ allowed: boolean; reason: string }>;
}

/** Issues service-account tokens (TokenRequest, `kubectl create token`). */
export interface TokenIssuer {
  issueServiceAccountToken(o: {
    namespace: string;
    name: string;
    uid: string;
    audiences?: string[];
    expirationSeconds: number;
  }): Promise<{ token: string; expirationTimestamp: string }>;
}

/** Everything the handlers are given. */
export interface ApiFace {
  catalog: HttpCatalog;
  registry: HttpRegistry;
  authenticator: HttpAuthenticator;
  authorizer: HttpAuthorizer;
  /** protobuf/decodeKubeProtobuf; without it protobuf bodies are 415. */
  decodeProtobuf?: (body: Buffer) => KubeObject;
  tokens?: TokenIssuer;
  /** host:port clients reach the server at (legacy discovery's serverAddressByClientCIDRs). */
  serverAddress: string;
  clock?: () => Date;
  /** The logs/exec/port-forward streams of a node; without it those subresources are 404. */
  podStreams?: PodStreamsResolver;
}
