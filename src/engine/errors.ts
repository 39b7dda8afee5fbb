// Docker's error body is `{"message": "..."}` with an HTTP status. The services below raise
// their own typed errors carrying `statusCode` and a message already worded as Docker words
// it; the engine's own validation raises EngineError. One serializer at the edge (app.ts).

/** An error the engine answers with `status` and `{"message": message}`. */
export class EngineError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.name = "EngineError";
    this.statusCode = statusCode;
  }
}

/** 400 with Docker's wording for bad parameters. */
export function badParameter(message: string): EngineError {
  return new EngineError(400, message);
}

export function notFound(message: string): EngineError {
  return new EngineError(404, message);
}

/** What to send for an error thrown by a handler or a service: Docker's status and message. */
export function toHttpError(err: unknown): { status: number; message: string; internal: boolean } {
  if (err instanceof Error) {
    const status = (err as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && Number.isInteger(status) && status >= 300 && status < 600) {
      return { status, message: err.message, internal: status >= 500 };
    }
  }
  return { status: 500, message: err instanceof Error ? err.message : String(err), internal: true };
}
