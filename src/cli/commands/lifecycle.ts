// `skiff registry lifecycle …` (ECR lifecycle policies) and `skiff registry gc`.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { GcReport } from "../../registry/gc.js";
import type { LifecycleResult } from "../../registry/lifecycle-service.js";
import type { LifecycleDecision } from "../../registry/lifecycle/evaluate.js";
import { CliError } from "../admin-client.js";
import { printJson, printTable } from "../output.js";
import { formatBytes, parseDuration } from "../units.js";
import { CONNECTION_HELP, connect, withConnection, type ConnectionFlags } from "./connection.js";

async function readPolicy(file: string): Promise<unknown> {
  const text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `${file === "-" ? "standard input" : file} is not valid JSON: ${(err as Error).message}`,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function printDecisions(
  flags: ConnectionFlags,
  decisions: (LifecycleDecision & { repository?: string })[],
): void {
  if (flags.json) return printJson(decisions);
  if (decisions.length === 0) return void process.stdout.write("no images to expire\n");
  printTable(
    ["RULE", "DIGEST", "TAGS", "PUSHED"],
    decisions.map((d) => [
      d.rulePriority,
      d.digest,
      d.tags.join(",") || "<untagged>",
      new Date(d.pushedAt).toISOString(),
    ]),
  );
}

const POLICY_EXAMPLE = `
Policy format (as Amazon ECR's):
  {"rules": [
    {"rulePriority": 1, "description": "keep the last 10 release images",
     "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"],
                   "countType": "imageCountMoreThan", "countNumber": 10},
     "action": {"type": "expire"}},
    {"rulePriority": 2, "description": "drop untagged images after 14 days",
     "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                   "countUnit": "days", "countNumber": 14},
     "action": {"type": "expire"}}]}`;

export function registerLifecycleCommands(registry: Command): void {
  const lifecycle = registry
    .command("lifecycle")
    .description("lifecycle policies that expire old images (applied on a schedule and on demand)")
    .addHelpText("after", POLICY_EXAMPLE);

  withConnection(
    lifecycle
      .command("put <repository> <file>")
      .description("set a repository's policy from a JSON file (- for stdin)"),
  )
    .addHelpText("after", POLICY_EXAMPLE)
    .action(async (repository: string, file: string, flags: ConnectionFlags) => {
      const client = await connect(flags);
      const policy = await client.request(
        "PUT",
        `repositories/${repository}/lifecycle-policy`,
        await readPolicy(file),
      );
      if (flags.json) printJson(policy);
      else process.stdout.write(`lifecycle policy of ${repository} set\n`);
    });

  withConnection(lifecycle.command("get <repository>").description("print a repository's policy")).action(
    async (repository: string, flags: ConnectionFlags) => {
      const client = await connect(flags);
      printJson(await client.request("GET", `repositories/${repository}/lifecycle-policy`));
    },
  );

  withConnection(lifecycle.command("rm <repository>").description("remove a repository's policy")).action(
    async (repository: string, flags: ConnectionFlags) => {
      const client = await connect(flags);
      await client.request("DELETE", `repositories/${repository}/lifecycle-policy`);
      if (!flags.json) process.stdout.write(`lifecycle policy of ${repository} removed\n`);
    },
  );

  withConnection(
    lifecycle
      .command("preview <repository> [file]")
      .description("list what the stored policy (or the one in FILE) would expire now, deleting nothing"),
  ).action(async (repository: string, file: string | undefined, flags: ConnectionFlags) => {
    const client = await connect(flags);
    const body = file === undefined ? {} : await readPolicy(file);
    const result = await client.request<{ expire: LifecycleDecision[] }>(
      "POST",
      `repositories/${repository}/lifecycle-policy/preview`,
      body,
    );
    printDecisions(flags, result.expire);
  });

  withConnection(
    lifecycle
      .command("apply [repository]")
      .description("apply the policy of one repository now (all repositories without one)"),
  ).action(async (repository: string | undefined, flags: ConnectionFlags) => {
    const client = await connect(flags);
    const results =
      repository === undefined
        ? await client.request<LifecycleResult[]>("POST", "lifecycle/apply")
        : [
            await client.request<LifecycleResult>(
              "POST",
              `repositories/${repository}/lifecycle-policy/apply`,
            ),
          ];
    printDecisions(
      flags,
      results.flatMap((r) => r.expired.map((d) => ({ ...d, repository: r.repository }))),
    );
  });

  withConnection(
    registry
      .command("gc")
      .description("delete blobs no manifest references (safe while the registry serves pushes and pulls)")
      .option("--dry-run", "only list what would be deleted")
      .option(
        "--grace <duration>",
        "keep unreferenced blobs younger than this (default: the server's --gc-grace)",
      ),
  )
    .addHelpText("after", CONNECTION_HELP)
    .action(async (flags: ConnectionFlags & { dryRun?: boolean; grace?: string }) => {
      const client = await connect(flags);
      const report = await client.request<GcReport>("POST", "gc", {
        dryRun: flags.dryRun === true,
        ...(flags.grace !== undefined && { graceSeconds: parseDuration(flags.grace) / 1000 }),
      });
      if (flags.json) return printJson(report);
      const verb = report.dryRun ? "would delete" : "deleted";
      process.stdout.write(
        `${verb} ${report.deletedBlobs.length} blobs (${formatBytes(report.freedBytes)}), ` +
          `purged ${report.purgedUploads.length} abandoned uploads in ${report.durationMs} ms\n`,
      );
    });
}
