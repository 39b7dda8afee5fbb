// Exec endpoints: create an exec in a running container, start it (hijacked like attach, or
// detached), resize its TTY and inspect it (the CLI reads the exit code from there once the
// output has ended).
import { asObject, parseJson, readJsonObject, readUpgradeBody } from "./body.js";
import { badParameter } from "./errors.js";
import { serveStdio } from "./hijack.js";
import { sizeParams } from "./params.js";
import type { EngineServices, ExecConfig } from "./ports.js";
import { sendEmpty, sendJson } from "./reply.js";
import { route, type Exchange, type Route } from "./route.js";

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Checks the body of POST /containers/{id}/exec where it enters. */
export function validateExecConfig(body: Record<string, unknown>): ExecConfig {
  if (!isStringArray(body.Cmd) || body.Cmd.length === 0) throw badParameter("No exec command specified");
  for (const key of ["AttachStdin", "AttachStdout", "AttachStderr", "Tty", "Privileged", "Detach"]) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== "boolean") {
      throw badParameter(`invalid JSON: ${key} must be a boolean`);
    }
  }
  if (body.Env !== undefined && body.Env !== null && !isStringArray(body.Env))
    throw badParameter("invalid JSON: Env must be a list of strings");
  for (const key of ["User", "WorkingDir", "DetachKeys"]) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== "string") {
      throw badParameter(`invalid JSON: ${key} must be a string`);
    }
  }
  return body as ExecConfig;
}

interface ExecStartBody {
  detach: boolean;
  tty: boolean;
  consoleSize?: { height: number; width: number };
}

/** The body of POST /exec/{id}/start: `{Detach, Tty, ConsoleSize: [h, w]}`. */
export function parseExecStart(body: Record<string, unknown>): ExecStartBody {
  const out: ExecStartBody = { detach: body.Detach === true, tty: body.Tty === true };
  const size = body.ConsoleSize;
  if (size !== undefined && size !== null) {
    if (
      !Array.isArray(size) ||
      size.length !== 2 ||
      !size.every((n) => Number.isInteger(n) && (n as number) >= 0)
    ) {
      throw badParameter("invalid JSON: ConsoleSize must be [height, width]");
    }
    const [height, width] = size as [number, number];
    if (height > 0 || width > 0) out.consoleSize = { height, width };
  }
  return out;
}

export function execRoutes(services: EngineServices): Route[] {
  const { containers } = services;

  const create = async (ex: Exchange) => {
    const body = validateExecConfig(await readJsonObject(ex.request));
    const execId = containers.execCreate(ex.params.id as string, body);
    sendJson(ex, 201, { Id: execId });
  };

  const start = async (ex: Exchange) => {
    const execId = ex.params.id as string;
    let body: Record<string, unknown>;
    let early: Buffer | undefined;
    if (ex.upgrade !== undefined) {
      const read = await readUpgradeBody(ex.request, ex.upgrade.socket, ex.upgrade.head);
      body = asObject(parseJson(read.body));
      early = read.rest;
    } else {
      body = await readJsonObject(ex.request);
    }
    const o = parseExecStart(body);
    containers.execInspect(execId); // 404 before any upgrade
    if (o.detach && ex.upgrade !== undefined) throw badParameter("a detached exec cannot be attached");
    const stream = await containers.execStart(execId, { detach: o.detach, tty: o.tty });
    // The CLI sends the terminal's size with the start; a TTY exec gets it at once.
    if (o.tty && o.consoleSize !== undefined) {
      await containers.execResize(execId, o.consoleSize).catch(() => undefined);
    }
    if (stream === undefined) {
      if (ex.upgrade === undefined) sendEmpty(ex, 200);
      else ex.upgrade.socket.destroy();
      return;
    }
    await serveStdio(ex, stream, { tty: o.tty, stdin: true, ...(early !== undefined && { early }) });
  };

  const resize = async (ex: Exchange) => {
    const size = sizeParams(ex.query);
    if (size.height > 0 || size.width > 0) await containers.execResize(ex.params.id as string, size);
    sendEmpty(ex, 200);
  };

  const inspect = (ex: Exchange) => {
    sendJson(ex, 200, containers.execInspect(ex.params.id as string));
    return Promise.resolve();
  };

  return [
    route("exec.create", "POST", /^\/containers\/(?<id>[^/]+)\/exec$/, create),
    route("exec.start", "POST", /^\/exec\/(?<id>[^/]+)\/start$/, start, { hijack: true }),
    route("exec.resize", "POST", /^\/exec\/(?<id>[^/]+)\/resize$/, resize),
    route("exec.inspect", "GET", /^\/exec\/(?<id>[^/]+)\/json$/, inspect),
  ];
}
