// The human status `docker ps` prints ("Up 5 seconds", "Exited (3) 2 minutes ago", "Created"),
// as moby's State.String and go-units HumanDuration word them. `now` is injected for tests.
import type { RecordState } from "./container-record.js";

export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

function since(iso: string, now: number): string {
  return humanDuration(Math.max(0, now - Date.parse(iso)));
}

export function statusString(s: RecordState, now: number = Date.now()): string {
  switch (s.status) {
    case "running":
      return `Up ${since(s.startedAt, now)}`;
    case "paused":
      return `Up ${since(s.startedAt, now)} (Paused)`;
    case "restarting":
      return `Restarting (${s.exitCode}) ${since(s.finishedAt, now)} ago`;
    case "removing":
      return "Removal In Progress";
    case "dead":
      return "Dead";
    case "created":
      return "Created";
    case "exited":
      if (s.startedAt === "") return "Created";
      if (s.finishedAt === "") return "";
      return `Exited (${s.exitCode}) ${since(s.finishedAt, now)} ago`;
  }
}

/** Running in Docker's sense: restarting and paused containers count as running. */
export function isRunning(s: RecordState): boolean {
  return s.status === "running" || s.status === "paused" || s.status === "restarting";
}
