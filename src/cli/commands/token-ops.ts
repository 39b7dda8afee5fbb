// What `skiff token` does, over any ClusterClient: join tokens are bootstrap-token Secrets in
// kube-system, and creating one also publishes kube-public/cluster-info (the server and its
// CA) so that an agent holding the CA's hash can learn to trust the server.
import {
  CLUSTER_INFO_NAME,
  CLUSTER_INFO_NAMESPACE,
  clusterInfoConfigMap,
  readClusterInfo,
} from "../../api/auth/cluster-info.js";
import {
  BOOTSTRAP_TOKEN_NAMESPACE,
  BOOTSTRAP_TOKEN_TYPE,
  bootstrapTokenSecret,
  bootstrapTokenSecretName,
  formatJoinToken,
  isJoinTokenId,
  newJoinToken,
  parseJoinToken,
  readBootstrapTokenSecret,
  type BootstrapTokenInfo,
} from "../../api/auth/join-token.js";
import type { ClusterClient } from "../../api/client/cluster.js";
import { ApiError } from "../../api/errors.js";
import { CliError } from "../admin-client.js";

const SECRETS = { apiVersion: "v1", kind: "Secret" };
const CONFIGMAPS = { apiVersion: "v1", kind: "ConfigMap" };
const FIELD_MANAGER = "skiff-token";

export interface CreatedToken {
  token: string;
  expiration?: Date;
}

/** A new join token, valid for `ttlMs` from `now` (0: forever). */
export async function createJoinToken(
  client: ClusterClient,
  o: { ttlMs: number; description?: string; now?: Date },
): Promise<CreatedToken> {
  const now = o.now ?? new Date();
  const expiration = o.ttlMs > 0 ? new Date(now.getTime() + o.ttlMs) : undefined;
  // Ids are 36^6 strong; a clash with an existing token is retried with a fresh one.
  for (let attempt = 0; ; attempt++) {
    const token = newJoinToken();
    const secret = bootstrapTokenSecret({
      token,
      ...(expiration !== undefined && { expiration }),
      ...(o.description !== undefined && { description: o.description }),
    });
    try {
      await client.resource(SECRETS).create(secret, { fieldManager: FIELD_MANAGER });
      return { token: formatJoinToken(token), ...(expiration !== undefined && { expiration }) };
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "AlreadyExists") || attempt >= 3) throw err;
    }
  }
}

/** Creates or refreshes kube-public/cluster-info with `server` and `caPem`. */
export async function publishClusterInfo(
  client: ClusterClient,
  o: { server: string; caPem: string },
): Promise<void> {
  const cms = client.resource(CONFIGMAPS);
  const want = clusterInfoConfigMap(o);
  const have = await cms.find(CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME);
  if (have === undefined) {
    try {
      await cms.create(want, { fieldManager: FIELD_MANAGER });
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "AlreadyExists")) throw err;
    }
    return publishClusterInfo(client, o);
  }
  let current: { server: string; caPem: string } | undefined;
  try {
    current = readClusterInfo(have);
  } catch {
    current = undefined;
  }
  if (current?.server === o.server && current.caPem === o.caPem) return;
  await cms.update({ ...have, data: want.data }, { fieldManager: FIELD_MANAGER });
}

/** The join tokens the cluster holds, oldest first. */
export async function listJoinTokens(
  client: ClusterClient,
): Promise<(BootstrapTokenInfo & { created?: string })[]> {
  const list = await client
    .resource(SECRETS)
    .list(BOOTSTRAP_TOKEN_NAMESPACE, { fieldSelector: `type=${BOOTSTRAP_TOKEN_TYPE}` });
  const out: (BootstrapTokenInfo & { created?: string })[] = [];
  for (const secret of list.items) {
    const info = readBootstrapTokenSecret(secret);
    const created = secret.metadata.creationTimestamp;
    if (info) out.push({ ...info, ...(created !== undefined && { created }) });
  }
  return out.sort((a, b) => (a.created ?? "").localeCompare(b.created ?? ""));
}

/** Deletes a join token given by id or as the whole token; CliError when there is none. */
export async function deleteJoinToken(client: ClusterClient, idOrToken: string): Promise<string> {
  const id = parseJoinToken(idOrToken)?.id ?? idOrToken.trim();
  if (!isJoinTokenId(id)) {
    throw new CliError(
      `${JSON.stringify(idOrToken)} is not a token id (6 characters of a-z, 0-9) or a token`,
    );
  }
  try {
    await client.resource(SECRETS).delete(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(id));
  } catch (err) {
    if (err instanceof ApiError && err.reason === "NotFound")
      throw new CliError(`no join token with id ${id}`);
    throw err;
  }
  return id;
}
