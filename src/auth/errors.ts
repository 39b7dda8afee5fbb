// The closed set of errors the auth layer raises. Each carries a stable `code` so every face
// can map it onto its own protocol (OCI `DENIED`, Kubernetes `Conflict`/`NotFound`/`Invalid`,
// Docker `{"message"}`) without matching on message text.

export const AuthErrorCode = {
  InvalidName: "InvalidName",
  UserExists: "UserExists",
  UserNotFound: "UserNotFound",
  AccessKeyNotFound: "AccessKeyNotFound",
  InvalidStatement: "InvalidStatement",
  StatementExists: "StatementExists",
  StatementNotFound: "StatementNotFound",
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export abstract class AuthError extends Error {
  abstract readonly code: AuthErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidNameError extends AuthError {
  readonly code = AuthErrorCode.InvalidName;
  constructor(readonly value: string) {
    super(
      `invalid user name ${JSON.stringify(value)}: use 1-64 characters a-z 0-9 . _ -, starting with a letter or digit`,
    );
  }
}

export class UserExistsError extends AuthError {
  readonly code = AuthErrorCode.UserExists;
  constructor(readonly user: string) {
    super(`user ${JSON.stringify(user)} already exists`);
  }
}

export class UserNotFoundError extends AuthError {
  readonly code = AuthErrorCode.UserNotFound;
  constructor(readonly user: string) {
    super(`user ${JSON.stringify(user)} not found`);
  }
}

export class AccessKeyNotFoundError extends AuthError {
  readonly code = AuthErrorCode.AccessKeyNotFound;
  constructor(readonly id: string) {
    super(`access key ${JSON.stringify(id)} not found`);
  }
}

export class InvalidStatementError extends AuthError {
  readonly code = AuthErrorCode.InvalidStatement;
}

export class StatementExistsError extends AuthError {
  readonly code = AuthErrorCode.StatementExists;
  constructor(readonly id: string) {
    super(`policy statement ${JSON.stringify(id)} already exists`);
  }
}

export class StatementNotFoundError extends AuthError {
  readonly code = AuthErrorCode.StatementNotFound;
  constructor(readonly id: string) {
    super(`policy statement ${JSON.stringify(id)} not found`);
  }
}
