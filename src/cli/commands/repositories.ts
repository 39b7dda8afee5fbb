// `skiff registry repo …` and `skiff registry images`: repositories, their tag mutability
// and the images in them.
import type { Command } from "commander";
import type { ImageRecord, RepositoryRecord } from "../../registry/metadata.js";
import { TagMutability } from "../../registry/tag-mutability.js";
import { age, printJson, printTable } from "../output.js";
import { formatBytes } from "../units.js";
import { CONNECTION_HELP, connect, withConnection, type ConnectionFlags } from "./connection.js";

const MUTABILITY_HELP = `one of ${Object.values(TagMutability).join(", ")}`;
const collect = (value: string, previous: string[]) => [...previous, value];
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] };

function printRepositories(flags: ConnectionFlags, repositories: Json<RepositoryRecord>[]): void {
  if (flags.json) return printJson(repositories);
  printTable(
    ["REPOSITORY", "TAG MUTABILITY", "EXCLUSIONS", "CREATED"],
    repositories.map((r) => [
      r.name,
      r.tagMutability,
      r.mutabilityExclusions.join(",") || "-",
      age(r.createdAt),
    ]),
  );
}

export function registerRepositoryCommands(registry: Command): void {
  const repo = registry.command("repo").description("create, list, configure and delete repositories");

  withConnection(
    repo
      .command("create <name>")
      .description("create a repository (pushes also create repositories on first use)")
      .option("--tag-mutability <mode>", MUTABILITY_HELP, "MUTABLE")
      .option(
        "--exclude <pattern>",
        "tag pattern excepted from the mutability rule (repeatable; * wildcards)",
        collect,
        [],
      ),
  )
    .addHelpText(
      "after",
      `\nExample:\n  skiff registry repo create team/app --tag-mutability IMMUTABLE_WITH_EXCLUSION --exclude latest\n${CONNECTION_HELP}`,
    )
    .action(async (name: string, flags: ConnectionFlags & { tagMutability: string; exclude: string[] }) => {
      const client = await connect(flags);
      const created = await client.request<Json<RepositoryRecord>>("POST", "repositories", {
        name,
        tagMutability: flags.tagMutability,
        mutabilityExclusions: flags.exclude,
      });
      printRepositories(flags, [created]);
    });

  withConnection(repo.command("ls").description("list repositories")).action(
    async (flags: ConnectionFlags) => {
      const client = await connect(flags);
      printRepositories(flags, await client.request<Json<RepositoryRecord>[]>("GET", "repositories"));
    },
  );

  withConnection(repo.command("show <name>").description("show a repository's settings")).action(
    async (name: string, flags: ConnectionFlags) => {
      const client = await connect(flags);
      printRepositories(flags, [await client.request<Json<RepositoryRecord>>("GET", `repositories/${name}`)]);
    },
  );

  withConnection(
    repo
      .command("set-mutability <name> <mode>")
      .description(`set tag mutability: ${MUTABILITY_HELP}`)
      .option(
        "--exclude <pattern>",
        "tag pattern excepted from the rule (repeatable; * wildcards)",
        collect,
        [],
      ),
  ).action(async (name: string, mode: string, flags: ConnectionFlags & { exclude: string[] }) => {
    const client = await connect(flags);
    const updated = await client.request<Json<RepositoryRecord>>("PUT", `repositories/${name}/settings`, {
      tagMutability: mode,
      mutabilityExclusions: flags.exclude,
    });
    printRepositories(flags, [updated]);
  });

  withConnection(
    repo
      .command("rm <name>")
      .description("delete a repository with all its images (blobs are reclaimed by the next gc)"),
  ).action(async (name: string, flags: ConnectionFlags) => {
    const client = await connect(flags);
    await client.request("DELETE", `repositories/${name}`);
    if (!flags.json) process.stdout.write(`deleted repository ${name}\n`);
  });

  withConnection(
    registry
      .command("images <repository>")
      .description("list the images of a repository with size and push time"),
  )
    .option("-a, --all", "also list the per-platform children of multi-arch indexes")
    .action(async (repository: string, flags: ConnectionFlags & { all?: boolean }) => {
      const client = await connect(flags);
      const images = (
        await client.request<Json<ImageRecord>[]>("GET", `repositories/${repository}/images`)
      ).filter((i) => flags.all || !i.isChild);
      if (flags.json) return printJson(images);
      printTable(
        ["TAGS", "DIGEST", "MEDIA TYPE", "SIZE", "PUSHED"],
        images.map((i) => [
          i.tags.join(",") || "<untagged>",
          i.digest,
          i.mediaType.replace(/^application\/vnd\./, ""),
          formatBytes(i.totalSize),
          age(i.pushedAt),
        ]),
      );
    });
}
