// Errors of the image store, worded as Docker words them; `statusCode` is the HTTP status
// the engine answers with.

export class ImageNotFoundError extends Error {
  readonly statusCode = 404;
  constructor(readonly ref: string) {
    super(`No such image: ${ref}`);
  }
}

/** `docker rmi` refused: the image is in use or referenced more than once (409). */
export class ImageConflictError extends Error {
  readonly statusCode = 409;
}

/** A bad argument: an invalid reference, change or platform (400). */
export class ImageRequestError extends Error {
  readonly statusCode = 400;
}

/** A registry refused or failed; the message is what Docker prints. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly statusCode = 500,
  ) {
    super(message);
  }
}

/** Credentials were refused (401 for POST /auth). */
export class UnauthorizedError extends RegistryError {
  constructor(message: string) {
    super(message, 401);
  }
}
