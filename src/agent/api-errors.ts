// Recognising API failures by reason, whichever client (in-process or HTTPS) raised them.

export function hasReason(err: unknown, reason: "NotFound" | "Conflict" | "AlreadyExists"): boolean {
  return err instanceof Error && "reason" in err && err.reason === reason;
}
