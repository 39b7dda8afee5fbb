// `skiff registry user|key|policy …`: who can log in, with which keys, and what they may
// do in which repositories (like IAM users, access keys and ECR repository policies).
import type { Command } from "commander";
import { CliError } from "../admin-client.js";
import { age, printJson, printTable } from "../output.js";
import { CONNECTION_HELP, connect, withConnection, type ConnectionFlags } from "./connection.js";

interface UserJson {
  name: string;
  admin: boolean;
  createdAt: string;
}
interface AccessKeyJson {
  id: string;
  user: string;
  description?: string;
  createdAt: string;
  lastUsedAt?: string | null;
  secret?: string;
}
interface StatementJson {
  id: string;
  effect: string;
  principal: string;
  actions: string[];
  repository: string;
  createdAt: string;
}

function registerUserCommands(registry: Command): void {
  const user = registry.command("user").description("registry users");
  withConnection(
    user
      .command("create <name>")
      .description("create a user")
      .option("--admin", "make the user an administrator"),
  )
    .addHelpText("after", CONNECTION_HELP)
    .action(async (name: string, flags: ConnectionFlags & { admin?: boolean }) => {
      const client = await connect(flags);
      const created = await client.request<UserJson>("POST", "users", { name, admin: flags.admin === true });
      if (flags.json) return printJson(created);
      process.stdout.write(
        `created user ${created.name}; give it an access key with: skiff registry key create ${name}\n`,
      );
    });
  withConnection(user.command("ls").description("list users")).action(async (flags: ConnectionFlags) => {
    const users = await (await connect(flags)).request<UserJson[]>("GET", "users");
    if (flags.json) return printJson(users);
    printTable(
      ["USER", "ADMIN", "CREATED"],
      users.map((u) => [u.name, u.admin ? "yes" : "no", age(u.createdAt)]),
    );
  });
  withConnection(user.command("rm <name>").description("delete a user and its access keys")).action(
    async (name: string, flags: ConnectionFlags) => {
      await (await connect(flags)).request("DELETE", `users/${encodeURIComponent(name)}`);
      if (!flags.json) process.stdout.write(`deleted user ${name}\n`);
    },
  );
}

function registerKeyCommands(registry: Command): void {
  const key = registry
    .command("key")
    .description("access keys: long-lived passwords of users, for CI and machines");
  withConnection(
    key
      .command("create <user>")
      .description("create an access key; its secret is shown only once")
      .option("--description <text>"),
  ).action(async (user: string, flags: ConnectionFlags & { description?: string }) => {
    const client = await connect(flags);
    const created = await client.request<AccessKeyJson>(
      "POST",
      `users/${encodeURIComponent(user)}/access-keys`,
      {
        ...(flags.description !== undefined && { description: flags.description }),
      },
    );
    if (flags.json) return printJson(created);
    process.stdout.write(
      `access key id: ${created.id}\nsecret:        ${created.secret}\n` +
        `(the secret is not shown again) log in with: docker login --username ${user} --password-stdin HOST:PORT\n`,
    );
  });
  withConnection(key.command("ls").description("list access keys (never their secrets)")).action(
    async (flags: ConnectionFlags) => {
      const keys = await (await connect(flags)).request<AccessKeyJson[]>("GET", "access-keys");
      if (flags.json) return printJson(keys);
      printTable(
        ["ID", "USER", "DESCRIPTION", "CREATED", "LAST USED"],
        keys.map((k) => [
          k.id,
          k.user,
          k.description || "-",
          age(k.createdAt),
          k.lastUsedAt ? age(k.lastUsedAt) : "never",
        ]),
      );
    },
  );
  withConnection(key.command("rm <id>").description("revoke an access key")).action(
    async (id: string, flags: ConnectionFlags) => {
      await (await connect(flags)).request("DELETE", `access-keys/${encodeURIComponent(id)}`);
      if (!flags.json) process.stdout.write(`revoked access key ${id}\n`);
    },
  );
}

function registerPolicyCommands(registry: Command): void {
  const policy = registry
    .command("policy")
    .description(
      "repository access policies: allow or deny pull, push and delete to users by repository pattern",
    )
    .addHelpText(
      "after",
      `
Administrators may do everything. Everyone else may do only what an allow statement grants
and no deny statement takes away. Patterns: * matches within one path segment, ** across.

Examples:
  skiff registry policy add --repo 'team/**' --user alice --allow pull,push
  skiff registry policy add --repo 'public/*' --anonymous --allow pull
  skiff registry policy add --repo 'prod/**' --user alice --deny delete`,
    );
  withConnection(
    policy
      .command("add")
      .description("add a statement")
      .requiredOption("--repo <pattern>", "repository name or pattern")
      .option("--user <name>", "the user the statement is about")
      .option("--any-user", "any authenticated user")
      .option("--anonymous", "everyone, without credentials (public repositories)")
      .option("--allow <actions>", "comma-separated: pull, push, delete or *")
      .option("--deny <actions>", "comma-separated: pull, push, delete or *"),
  ).action(
    async (
      flags: ConnectionFlags & {
        repo: string;
        user?: string;
        anyUser?: boolean;
        anonymous?: boolean;
        allow?: string;
        deny?: string;
      },
    ) => {
      const principals = [
        flags.user,
        flags.anyUser ? "*" : undefined,
        flags.anonymous ? "anonymous" : undefined,
      ].filter((p) => p !== undefined);
      if (principals.length !== 1)
        throw new CliError("give exactly one of --user NAME, --any-user, --anonymous");
      if ((flags.allow === undefined) === (flags.deny === undefined))
        throw new CliError("give exactly one of --allow or --deny");
      const client = await connect(flags);
      const statement = await client.request<StatementJson>("POST", "policies", {
        effect: flags.allow !== undefined ? "allow" : "deny",
        principal: principals[0],
        actions: (flags.allow ?? flags.deny ?? "").split(",").map((a) => a.trim()),
        repository: flags.repo,
      });
      if (flags.json) return printJson(statement);
      process.stdout.write(`added statement ${statement.id}\n`);
    },
  );
  withConnection(policy.command("ls").description("list statements")).action(
    async (flags: ConnectionFlags) => {
      const statements = await (await connect(flags)).request<StatementJson[]>("GET", "policies");
      if (flags.json) return printJson(statements);
      printTable(
        ["ID", "EFFECT", "PRINCIPAL", "ACTIONS", "REPOSITORY", "CREATED"],
        statements.map((s) => [
          s.id,
          s.effect,
          s.principal,
          s.actions.join(","),
          s.repository,
          age(s.createdAt),
        ]),
      );
    },
  );
  withConnection(policy.command("rm <id>").description("remove a statement")).action(
    async (id: string, flags: ConnectionFlags) => {
      await (await connect(flags)).request("DELETE", `policies/${encodeURIComponent(id)}`);
      if (!flags.json) process.stdout.write(`removed statement ${id}\n`);
    },
  );
}

export function registerAccessCommands(registry: Command): void {
  registerUserCommands(registry);
  registerKeyCommands(registry);
  registerPolicyCommands(registry);
}
