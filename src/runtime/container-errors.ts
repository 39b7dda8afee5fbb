// The errors ContainerService raises, each with the HTTP status the engine answers with and
// Docker's own wording (the docker CLI prints the message as is).

export class ContainerError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
  }
}

/** 404 `No such container: REF` */
export class NoSuchContainerError extends ContainerError {
  constructor(ref: string) {
    super(404, `No such container: ${ref}`);
  }
}

/** 404 `No such exec instance: ID` */
export class NoSuchExecError extends ContainerError {
  constructor(id: string) {
    super(404, `No such exec instance: ${id}`);
  }
}

/** 400: bad input (name, mount, restart policy, port, signal). Nothing was changed. */
export class InvalidParameterError extends ContainerError {
  constructor(message: string) {
    super(400, message);
  }
}

/** 409: the request clashes with the container's state or another container. */
export class ConflictError extends ContainerError {
  constructor(message: string) {
    super(409, message);
  }
}

/** 304: the container is already in the requested state (start a running one, stop a stopped one). */
export class NotModifiedError extends ContainerError {
  constructor(message: string) {
    super(304, message);
  }
}

export function nameConflict(name: string, holderId: string): ConflictError {
  return new ConflictError(
    `Conflict. The container name "/${name}" is already in use by container "${holderId}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}

export function notRunning(id: string): ConflictError {
  return new ConflictError(`Container ${id} is not running`);
}
