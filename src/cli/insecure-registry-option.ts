// `--insecure-registry HOST:PORT` (repeatable; SKIFF_INSECURE_REGISTRIES comma-separated), as
// dockerd's: registries the engine speaks plain HTTP to, such as a Skiff server's own registry
// seen from another node.
import { InvalidArgumentError, Option } from "commander";

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

function collectRegistries(value: string, previous: string[] = []): string[] {
  const added = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const r of added) {
    if (!HOST_PORT.test(r)) {
      throw new InvalidArgumentError(`expected HOST:PORT such as 10.0.0.5:5000, got ${JSON.stringify(r)}`);
    }
  }
  return [...previous, ...added];
}

export function insecureRegistryOption(): Option {
  return new Option(
    "--insecure-registry <host:port>",
    "pull from and push to this registry over plain HTTP (repeatable)",
  )
    .env("SKIFF_INSECURE_REGISTRIES")
    .argParser(collectRegistries)
    .default([]);
}
