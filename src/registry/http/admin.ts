// The admin API under /skiff/v1/: repositories and their settings, images, lifecycle
// policies, garbage collection, users, access keys and access policies. It is what the
// `skiff registry …` commands call; every route needs an admin user's Basic credentials.
import { AuthError } from "../../auth/errors.js";
import type { NewStatement, PolicyStore } from "../../auth/policy.js";
import type { UserStore } from "../../auth/users.js";
import { isValidRepositoryName } from "../../oci/names.js";
import type { RegistryAccess } from "../access.js";
import { RegistryError } from "../errors.js";
import type { GarbageCollector } from "../gc.js";
import type { LifecycleService } from "../lifecycle-service.js";
import { RepositoryExistsError, type RegistryMetadata } from "../metadata.js";
import {
  DEFAULT_TAG_MUTABILITY,
  validateTagMutability,
  type TagMutabilitySettings,
} from "../tag-mutability.js";
import type { Exchange, PrefixHandler } from "./app.js";
import { readBoundedBody } from "./body.js";

export interface AdminApiOptions {
  access: RegistryAccess;
  metadata: RegistryMetadata;
  lifecycle: LifecycleService;
  gc: GarbageCollector;
  users: UserStore;
  policies: PolicyStore;
  /** Cancels the uploads of a deleted repository. */
  abortUploads: (repository: string) => Promise<void>;
}

type Handler = (ctx: { body: () => Promise<Record<string, unknown>>; match: RegExpExecArray }) => unknown;
interface AdminRoute {
  method: string;
  pattern: RegExp;
  handle: Handler;
  status?: number;
}

// The auth layer's errors as HTTP statuses.
function authStatus(err: AuthError): number {
  if (err.code.endsWith("NotFound")) return 404;
  if (err.code.endsWith("Exists")) return 409;
  return 400;
}

const invalid = (message: string) => new RegistryError("UNSUPPORTED", message, undefined, 400);

function settingsFrom(body: Record<string, unknown>, base: TagMutabilitySettings): TagMutabilitySettings {
  const settings = {
    tagMutability: (body.tagMutability ?? base.tagMutability) as TagMutabilitySettings["tagMutability"],
    mutabilityExclusions: (body.mutabilityExclusions ?? base.mutabilityExclusions) as string[],
  };
  if (!Array.isArray(settings.mutabilityExclusions))
    throw invalid("mutabilityExclusions must be a list of patterns");
  const problem = validateTagMutability(settings);
  if (problem) throw invalid(problem);
  return settings;
}

/** A policy statement from a request body, with each field's type checked. */
function statementFrom(body: Record<string, unknown>): NewStatement {
  const { effect, principal, actions, repository } = body;
  if (effect !== "allow" && effect !== "deny") throw invalid('effect must be "allow" or "deny"');
  if (typeof principal !== "string") throw invalid("principal must be a string");
  if (typeof repository !== "string") throw invalid("repository must be a string pattern");
  if (!Array.isArray(actions) || !actions.every((a) => typeof a === "string")) {
    throw invalid("actions must be a list of strings");
  }
  return { effect, principal, repository, actions: actions as NewStatement["actions"] };
}

function repositoryName(value: string | undefined): string {
  const name = value ?? "";
  if (!isValidRepositoryName(name))
    throw new RegistryError("NAME_INVALID", `invalid repository name ${JSON.stringify(name)}`);
  return name;
}

function adminRoutes(o: AdminApiOptions): AdminRoute[] {
  const { metadata, lifecycle, gc, users, policies } = o;
  const repo = (match: RegExpExecArray) => {
    const name = repositoryName(match[1]);
    const record = metadata.getRepository(name);
    if (!record) throw new RegistryError("NAME_UNKNOWN", `repository ${name} not known to registry`);
    return record;
  };
  const R = "/skiff/v1/repositories/(.+)";
  return [
    {
      method: "GET",
      pattern: /^\/skiff\/v1\/repositories$/,
      handle: () => metadata.listRepositories().map((name) => metadata.getRepository(name)),
    },
    {
      method: "POST",
      pattern: /^\/skiff\/v1\/repositories$/,
      status: 201,
      handle: async ({ body }) => {
        const b = await body();
        const name = repositoryName(typeof b.name === "string" ? b.name : undefined);
        try {
          return metadata.createRepository(name, settingsFrom(b, DEFAULT_TAG_MUTABILITY));
        } catch (err) {
          if (err instanceof RepositoryExistsError)
            throw new RegistryError("UNSUPPORTED", err.message, undefined, 409);
          throw err;
        }
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/images$`),
      handle: ({ match }) => metadata.listImages(repo(match).name),
    },
    {
      method: "PUT",
      pattern: new RegExp(`^${R}/settings$`),
      handle: async ({ match, body }) => {
        const record = repo(match);
        return metadata.updateRepository(record.name, settingsFrom(await body(), record));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/lifecycle-policy$`),
      handle: ({ match }) => {
        const policy = lifecycle.get(repo(match).name);
        if (!policy)
          throw new RegistryError("UNSUPPORTED", "the repository has no lifecycle policy", undefined, 404);
        return policy;
      },
    },
    {
      method: "PUT",
      pattern: new RegExp(`^${R}/lifecycle-policy$`),
      handle: async ({ match, body }) => lifecycle.put(repo(match).name, await body()),
    },
    {
      method: "DELETE",
      pattern: new RegExp(`^${R}/lifecycle-policy$`),
      handle: ({ match }) => {
        lifecycle.delete(repo(match).name);
        return {};
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/lifecycle-policy/preview$`),
      handle: async ({ match, body }) => {
        const b = await body();
        const document = Object.keys(b).length === 0 ? undefined : b;
        return { repository: repo(match).name, expire: lifecycle.preview(repo(match).name, document) };
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/lifecycle-policy/apply$`),
      handle: ({ match }) => lifecycle.apply(repo(match).name),
    },
    { method: "GET", pattern: new RegExp(`^${R}$`), handle: ({ match }) => repo(match) },
    {
      method: "DELETE",
      pattern: new RegExp(`^${R}$`),
      handle: async ({ match }) => {
        const name = repo(match).name;
        await o.abortUploads(name);
        metadata.deleteRepository(name);
        return {};
      },
    },
    { method: "POST", pattern: /^\/skiff\/v1\/lifecycle\/apply$/, handle: () => lifecycle.applyAll() },
    {
      method: "POST",
      pattern: /^\/skiff\/v1\/gc$/,
      handle: async ({ body }) => {
        const b = await body();
        const grace = b.graceSeconds;
        if (grace !== undefined && (typeof grace !== "number" || grace < 0))
          throw invalid("graceSeconds must be >= 0");
        return gc.run({
          dryRun: b.dryRun === true,
          ...(typeof grace === "number" && { graceMs: grace * 1000 }),
        });
      },
    },
    { method: "GET", pattern: /^\/skiff\/v1\/users$/, handle: () => users.listUsers() },
    {
      method: "POST",
      pattern: /^\/skiff\/v1\/users$/,
      status: 201,
      handle: async ({ body }) => {
        const b = await body();
        return users.createUser(String(b.name ?? ""), { admin: b.admin === true });
      },
    },
    {
      method: "DELETE",
      pattern: /^\/skiff\/v1\/users\/([^/]+)$/,
      handle: ({ match }) => {
        users.deleteUser(match[1]!);
        return {};
      },
    },
    {
      method: "POST",
      pattern: /^\/skiff\/v1\/users\/([^/]+)\/access-keys$/,
      status: 201,
      handle: async ({ match, body }) => {
        const b = await body();
        return users.createAccessKey(
          match[1]!,
          typeof b.description === "string" ? { description: b.description } : {},
        );
      },
    },
    { method: "GET", pattern: /^\/skiff\/v1\/access-keys$/, handle: () => users.listAccessKeys() },
    {
      method: "DELETE",
      pattern: /^\/skiff\/v1\/access-keys\/([^/]+)$/,
      handle: ({ match }) => {
        users.deleteAccessKey(match[1]!);
        return {};
      },
    },
    { method: "GET", pattern: /^\/skiff\/v1\/policies$/, handle: () => policies.listStatements() },
    {
      method: "POST",
      pattern: /^\/skiff\/v1\/policies$/,
      status: 201,
      handle: async ({ body }) => policies.addStatement(statementFrom(await body())),
    },
    {
      method: "DELETE",
      pattern: /^\/skiff\/v1\/policies\/([^/]+)$/,
      handle: ({ match }) => {
        policies.removeStatement(match[1]!);
        return {};
      },
    },
  ];
}

/** The admin API as a handler of the `/skiff/v1/` prefix. */
export function adminApi(options: AdminApiOptions): PrefixHandler {
  const routes = adminRoutes(options);
  const handle = async (exchange: Exchange) => {
    const { request, reply, path } = exchange;
    exchange.routeName = "admin";
    const principal = await options.access.authenticateBasic(request.headers.authorization ?? "");
    if (!principal) {
      reply.header("WWW-Authenticate", 'Basic realm="skiff admin"');
      throw new RegistryError(
        "UNAUTHORIZED",
        "admin credentials required (user skiff and a login token or access key)",
      );
    }
    exchange.user = principal.name;
    if (!principal.admin) throw new RegistryError("DENIED", `user ${principal.name} is not an administrator`);
    let sawPath = false;
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      sawPath = true;
      if (route.method !== request.method) continue;
      const body = async () => {
        const raw = await readBoundedBody(request, 1024 * 1024);
        if (raw.length === 0) return {};
        try {
          const parsed: unknown = JSON.parse(raw.toString("utf8"));
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error();
          return parsed as Record<string, unknown>;
        } catch {
          throw invalid("request body must be a JSON object");
        }
      };
      try {
        const result = await route.handle({ body, match });
        return reply.code(route.status ?? 200).send(result ?? {});
      } catch (err) {
        if (err instanceof AuthError)
          throw new RegistryError("UNSUPPORTED", err.message, undefined, authStatus(err));
        throw err;
      }
    }
    throw new RegistryError(
      "UNSUPPORTED",
      `${request.method} ${path} is not an admin API route`,
      undefined,
      sawPath ? 405 : 404,
    );
  };
  return { prefix: "/skiff/v1/", handle };
}
