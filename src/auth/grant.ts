// Evaluating repository access policies, as ECR evaluates repository policies: pure
// functions over a list of statements, with no storage and no clock.
//   - Admins may do everything.
//   - Otherwise an action is granted iff an `allow` statement covers it and no `deny`
//     statement does: deny always wins, and nothing is allowed by default.
import type { Principal } from "./authenticator.js";

export const Action = { pull: "pull", push: "push", delete: "delete" } as const;
export type Action = (typeof Action)[keyof typeof Action];
export const ALL_ACTIONS: readonly Action[] = Object.values(Action);
/** In a statement, stands for every action, including ones added later. */
export const ANY_ACTION = "*";
export type StatementAction = Action | typeof ANY_ACTION;

export const Effect = { allow: "allow", deny: "deny" } as const;
export type Effect = (typeof Effect)[keyof typeof Effect];

/** Statement principals that are not user names. */
export const PrincipalGroup = {
  /** Any caller that presented valid credentials. */
  authenticated: "*",
  /** Any caller at all, with or without credentials. */
  anonymous: "anonymous",
} as const;

export interface PolicyStatement {
  id: string;
  effect: Effect;
  /** A user name, or one of `PrincipalGroup`. */
  principal: string;
  actions: StatementAction[];
  /** A repository name, or a pattern where `*` matches within one path segment and `**` across segments. */
  repository: string;
  createdAt: Date;
}

// Repository name characters (OCI), plus `*`; each `/`-separated segment must be non-empty.
const PATTERN_SEGMENT = /^[a-z0-9._*-]+$/;
const MAX_PATTERN_LENGTH = 255;

export function isValidRepositoryPattern(pattern: string): boolean {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH || pattern.includes("***")) return false;
  return pattern.split("/").every((segment) => PATTERN_SEGMENT.test(segment));
}

export function isStatementAction(value: string): value is StatementAction {
  return value === ANY_ACTION || (ALL_ACTIONS as readonly string[]).includes(value);
}

// Patterns come from a handful of statements, so compiled forms are kept; the bound only
// guards against a caller feeding endless distinct patterns.
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1024;

/** Whether `repository` is named by `pattern` (see `PolicyStatement.repository`). */
export function repositoryMatches(pattern: string, repository: string): boolean {
  if (!pattern.includes("*")) return pattern === repository;
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = compilePattern(pattern);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(repository);
}

function compilePattern(pattern: string): RegExp {
  const source = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`);
}

/** Whether a statement naming `statementPrincipal` applies to `principal` (null: no credentials). */
export function principalMatches(statementPrincipal: string, principal: Principal | null): boolean {
  if (statementPrincipal === PrincipalGroup.anonymous) return true;
  if (statementPrincipal === PrincipalGroup.authenticated) return principal !== null;
  return principal?.name === statementPrincipal;
}

/** The actions of `requested` (in order) that `principal` may perform on `repository`. */
export function grantedActions(
  statements: readonly PolicyStatement[],
  principal: Principal | null,
  repository: string,
  requested: readonly Action[],
): Action[] {
  if (principal?.admin) return [...requested];
  const applicable = statements.filter(
    (s) => principalMatches(s.principal, principal) && repositoryMatches(s.repository, repository),
  );
  const covered = (effect: Effect, action: Action) =>
    applicable.some(
      (s) => s.effect === effect && (s.actions.includes(action) || s.actions.includes(ANY_ACTION)),
    );
  return requested.filter((action) => covered(Effect.allow, action) && !covered(Effect.deny, action));
}
