// Docker's restart decision and back-off (moby restartmanager), pure: given how the container
// exited, whether to start it again and after what delay. The delay starts at 100 ms, doubles
// on each restart up to one minute, and falls back to 100 ms once a run lasted 10 s or more.
import { InvalidParameterError } from "./container-errors.js";
import type { RestartPolicy } from "./docker-api-types.js";

export const RESTART_BACKOFF_START_MS = 100;
export const RESTART_BACKOFF_MAX_MS = 60_000;
const RESET_AFTER_RUN_MS = 10_000;

export type RestartPolicyName = "no" | "always" | "unless-stopped" | "on-failure";

export interface RestartInput {
  policy: RestartPolicy | undefined;
  exitCode: number;
  /** Stopped or killed by the user (or the server is shutting down). */
  manuallyStopped: boolean;
  /** Restarts already done for this container (Docker's RestartCount). */
  restartCount: number;
  /** How long the run that just ended lasted. */
  runMs: number;
  /** The previous delay (0 before the first restart). */
  previousDelayMs: number;
}

export interface RestartDecision {
  restart: boolean;
  /** Wait this long before starting again (also the next previousDelayMs). */
  delayMs: number;
}

export function policyName(p: RestartPolicy | undefined): RestartPolicyName {
  const n = p?.Name ?? "";
  return n === "" ? "no" : (n as RestartPolicyName);
}

/** Docker's validation (moby api/types/container ValidateRestartPolicy), with its messages. */
export function validateRestartPolicy(p: RestartPolicy | undefined): void {
  const max = p?.MaximumRetryCount ?? 0;
  switch (p?.Name ?? "") {
    case "always":
    case "unless-stopped":
    case "no":
      if (max !== 0) {
        let msg = "invalid restart policy: maximum retry count can only be used with 'on-failure'";
        if (max < 0) msg += " and cannot be negative";
        throw new InvalidParameterError(msg);
      }
      return;
    case "on-failure":
      if (max < 0)
        throw new InvalidParameterError("invalid restart policy: maximum retry count cannot be negative");
      return;
    case "":
      return; // clients before Docker 25 send an empty name for "no"
    default:
      throw new InvalidParameterError(
        `invalid restart policy: unknown policy '${p?.Name ?? ""}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

export function decideRestart(i: RestartInput): RestartDecision {
  const name = policyName(i.policy);
  if (name === "no" || i.manuallyStopped) return { restart: false, delayMs: 0 };
  let delay = i.runMs >= RESET_AFTER_RUN_MS ? 0 : i.previousDelayMs;
  delay = delay === 0 ? RESTART_BACKOFF_START_MS : Math.min(delay * 2, RESTART_BACKOFF_MAX_MS);
  let restart = false;
  switch (name) {
    case "always":
    case "unless-stopped":
      restart = true;
      break;
    case "on-failure": {
      const max = i.policy?.MaximumRetryCount ?? 0;
      restart = i.exitCode !== 0 && (max === 0 || i.restartCount < max);
      break;
    }
  }
  return restart ? { restart, delayMs: delay } : { restart: false, delayMs: 0 };
}

/**
 * Whether a container found stopped at server start should be started (moby daemon.restore):
 * `always` always; `unless-stopped` unless the user stopped it; `on-failure` never (its exit
 * was already handled, or happened while we were down and is judged by decideRestart).
 */
export function restartAtServerStart(p: RestartPolicy | undefined, manuallyStopped: boolean): boolean {
  const name = policyName(p);
  return name === "always" || (name === "unless-stopped" && !manuallyStopped);
}
