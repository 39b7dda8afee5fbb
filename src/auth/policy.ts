// Repository access policies, stored as statements in the auth database (see schema.ts)
// and evaluated by `grantedActions`. Statements change rarely and are read on every request,
// so the store keeps them in memory and reloads only after a change, its own or another
// process's (the CLI writes to the same database).
import { randomBytes } from "node:crypto";
import type { Db } from "../sqlite/open.js";
import type { Principal } from "./authenticator.js";
import { InvalidStatementError, StatementExistsError, StatementNotFoundError } from "./errors.js";
import {
  Effect,
  PrincipalGroup,
  grantedActions,
  isStatementAction,
  isValidRepositoryPattern,
} from "./grant.js";
import type { Action, PolicyStatement, StatementAction } from "./grant.js";
import { isValidUserName } from "./users.js";

export { ALL_ACTIONS, ANY_ACTION, Action, Effect, PrincipalGroup, grantedActions } from "./grant.js";
export type { PolicyStatement, StatementAction } from "./grant.js";

export interface NewStatement {
  /** Defaults to a random id. */
  id?: string;
  effect: Effect;
  principal: string;
  actions: readonly StatementAction[];
  repository: string;
}

export interface PolicyStoreOptions {
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
}

interface StatementRow {
  id: string;
  effect: string;
  principal: string;
  actions: string;
  repository: string;
  created_at: number;
}

const STATEMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class PolicyStore {
  readonly #now: () => number;
  readonly #insert;
  readonly #delete;
  readonly #list;
  readonly #dataVersion;
  /** Bumped by this store's own writes, which `data_version` does not count. */
  #generation = 0;
  #cache: { generation: number; dataVersion: number; statements: PolicyStatement[] } | undefined;

  /** `db` must have been opened with `authMigrations`. */
  constructor(db: Db, options: PolicyStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#insert = db.prepare<[string, string, string, string, string, number]>(
      `INSERT INTO policy_statements (id, effect, principal, actions, repository, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#delete = db.prepare<[string]>("DELETE FROM policy_statements WHERE id = ?");
    this.#list = db.prepare<[], StatementRow>(
      "SELECT id, effect, principal, actions, repository, created_at FROM policy_statements ORDER BY created_at, rowid",
    );
    // Changes whenever another connection commits to the database.
    this.#dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  }

  /** Validates and stores a statement. Throws InvalidStatementError or StatementExistsError. */
  addStatement(input: NewStatement): PolicyStatement {
    const statement = validate(input, this.#now());
    const { id, effect, principal, actions, repository, createdAt } = statement;
    const inserted = this.#insert.run(
      id,
      effect,
      principal,
      actions.join(","),
      repository,
      createdAt.getTime(),
    );
    if (inserted.changes === 0) throw new StatementExistsError(id);
    this.#generation++;
    return statement;
  }

  listStatements(): PolicyStatement[] {
    return this.#current().map((s) => ({ ...s, actions: [...s.actions], createdAt: new Date(s.createdAt) }));
  }

  /** Throws StatementNotFoundError. */
  removeStatement(id: string): void {
    const deleted = this.#delete.run(id);
    if (deleted.changes === 0) throw new StatementNotFoundError(id);
    this.#generation++;
  }

  /** `grantedActions` over the current statements. */
  granted(principal: Principal | null, repository: string, requested: readonly Action[]): Action[] {
    return grantedActions(this.#current(), principal, repository, requested);
  }

  #current(): PolicyStatement[] {
    const dataVersion = this.#dataVersion.get() ?? 0;
    const cache = this.#cache;
    if (cache && cache.generation === this.#generation && cache.dataVersion === dataVersion) {
      return cache.statements;
    }
    const statements = this.#list.all().map(fromRow);
    this.#cache = { generation: this.#generation, dataVersion, statements };
    return statements;
  }
}

function validate(input: NewStatement, now: number): PolicyStatement {
  const id = input.id ?? `st-${randomBytes(6).toString("hex")}`;
  if (!STATEMENT_ID.test(id)) invalid(`invalid statement id ${JSON.stringify(id)}`);
  if (input.effect !== Effect.allow && input.effect !== Effect.deny) {
    invalid(`effect must be "allow" or "deny", not ${JSON.stringify(input.effect)}`);
  }
  const { principal } = input;
  const group = principal === PrincipalGroup.authenticated || principal === PrincipalGroup.anonymous;
  if (!group && !isValidUserName(principal)) {
    invalid(`principal must be a user name, "*" or "anonymous", not ${JSON.stringify(principal)}`);
  }
  if (input.actions.length === 0) invalid("a statement needs at least one action");
  for (const action of input.actions) {
    if (!isStatementAction(action)) invalid(`unknown action ${JSON.stringify(action)}`);
  }
  if (!isValidRepositoryPattern(input.repository)) {
    invalid(`invalid repository pattern ${JSON.stringify(input.repository)}`);
  }
  return {
    id,
    effect: input.effect,
    principal,
    actions: [...new Set(input.actions)],
    repository: input.repository,
    createdAt: new Date(now),
  };
}

function fromRow(row: StatementRow): PolicyStatement {
  const actions = row.actions.split(",");
  if ((row.effect !== Effect.allow && row.effect !== Effect.deny) || !actions.every(isStatementAction)) {
    throw new Error(`policy statement ${row.id} in the database is corrupt`);
  }
  return {
    id: row.id,
    effect: row.effect,
    principal: row.principal,
    actions,
    repository: row.repository,
    createdAt: new Date(row.created_at),
  };
}

function invalid(message: string): never {
  throw new InvalidStatementError(message);
}
