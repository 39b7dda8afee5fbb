// Resolving Docker's `--user` ("name", "uid", "name:group", "uid:gid") against the container's
// own /etc/passwd and /etc/group, with Docker's rules and error wording: a numeric user or
// group that is not listed is used as is; an unknown name is an error.
import { readFile, realpath } from "node:fs/promises";
import { join, sep } from "node:path";

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

/** Docker: `unable to find user foo: no matching entries in passwd file` (HTTP 400 at create/start). */
export class UserNotFoundError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = "UserNotFoundError";
  }
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const f = line.split(":");
    if (f.length < 4) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0] ?? "", uid, gid, home: f[5] ?? "" });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const f = line.split(":");
    if (f.length < 3) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    const members = (f[3] ?? "")
      .split(",")
      .map((m) => m.trim())
      .filter(Boolean);
    out.push({ name: f[0] ?? "", gid, members });
  }
  return out;
}

const NUMERIC = /^[0-9]+$/;

/** Pure core of resolveUser, over the files' text ("" when a file is missing). */
export function resolveUserFrom(
  spec: string,
  passwdText: string,
  groupText: string,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  const [userArg = "", groupArg] = spec.split(":", 2);
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  let uid = 0;
  let gid = 0;
  let home = "/";
  let name = "root";
  const user = userArg === "" ? "root" : userArg;
  const entry = passwd.find((p) => p.name === user || (NUMERIC.test(user) && p.uid === Number(user)));
  if (entry !== undefined) {
    uid = entry.uid;
    gid = entry.gid;
    home = entry.home || "/";
    name = entry.name;
  } else if (NUMERIC.test(user)) {
    uid = Number(user);
    name = "";
  } else if (userArg !== "") {
    throw new UserNotFoundError(`unable to find user ${user}: no matching entries in passwd file`);
  }
  const additional: number[] = [];
  if (groupArg !== undefined && groupArg !== "") {
    gid = lookupGroup(groupArg, groups);
  } else if (name !== "") {
    for (const g of groups) if (g.members.includes(name) && g.gid !== gid) additional.push(g.gid);
  }
  for (const g of groupAdd) {
    const id = lookupGroup(g, groups);
    if (!additional.includes(id)) additional.push(id);
  }
  return { uid, gid, additionalGids: additional, home };
}

function lookupGroup(arg: string, groups: GroupEntry[]): number {
  const g = groups.find((e) => e.name === arg || (NUMERIC.test(arg) && e.gid === Number(arg)));
  if (g !== undefined) return g.gid;
  if (NUMERIC.test(arg)) return Number(arg);
  throw new UserNotFoundError(`unable to find group ${arg}: no matching entries in group file`);
}

/**
 * Resolves `spec` (Docker's Config.User; "" is root) against the rootfs's /etc/passwd and
 * /etc/group. `groupAdd` are Docker's `--group-add` names or ids.
 */
export async function resolveUser(
  rootfs: string,
  spec: string,
  groupAdd: readonly string[] = [],
): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([
    readInRoot(rootfs, "etc/passwd"),
    readInRoot(rootfs, "etc/group"),
  ]);
  return resolveUserFrom(spec, passwd, group, groupAdd);
}

/** Reads a file inside `root`, or "" when it is missing or a symlink leads out of the root. */
async function readInRoot(root: string, rel: string): Promise<string> {
  try {
    const base = await realpath(root);
    const real = await realpath(join(base, rel));
    if (!real.startsWith(base + sep)) return "";
    return await readFile(real, "utf8");
  } catch {
    return "";
  }
}
