// Docker token-auth scopes: `type:name:action[,action...]`, e.g. `repository:team/app:pull,push`.
// The name is everything between the first and the last colon, so names with slashes (and a
// `host:port` prefix) survive; the registry validates the name itself.

/** One resource and the actions held (in a token) or asked for (in a scope) on it. */
export interface ResourceAccess {
  type: string;
  name: string;
  actions: string[];
}

// Docker allows a resource class in parentheses: `repository(plugin):name:pull`.
const TYPE = /^[a-z0-9]+(?:\([a-z0-9]+\))?$/;
const ACTION = /^(?:[a-z]+|\*)$/;
// Whitespace separates scopes and control characters never belong in a name.
const NAME = /^[^\s\p{Cc}]+$/u;

/** Parses one scope; undefined when it is malformed. Repeated actions are merged. */
export function parseScope(scope: string): ResourceAccess | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first) return undefined;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(",");
  if (!TYPE.test(type) || !NAME.test(name)) return undefined;
  if (!actions.every((a) => ACTION.test(a))) return undefined;
  return { type, name, actions: [...new Set(actions)] };
}

/** The scope string of `access`, the inverse of `parseScope`. */
export function formatScope(access: ResourceAccess): string {
  return `${access.type}:${access.name}:${access.actions.join(",")}`;
}
