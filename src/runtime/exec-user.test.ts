import { describe, expect, it } from "vitest";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveUser, resolveUserFrom, UserNotFoundError } from "./exec-user.js";

const PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:App:/home/app:/bin/sh\n# comment\n";
const GROUP = "root:x:0:\nappgrp:x:1001:\nstaff:x:50:app,other\nwheel:x:10:app\n";

describe("resolveUserFrom", () => {
  it("defaults to root with home /root", () => {
    expect(resolveUserFrom("", PASSWD, GROUP)).toEqual({ uid: 0, gid: 0, additionalGids: [], home: "/root" });
  });

  it("resolves a name or uid to its passwd entry and supplementary groups", () => {
    const byName = resolveUserFrom("app", PASSWD, GROUP);
    expect(byName).toEqual({ uid: 1000, gid: 1001, additionalGids: [50, 10], home: "/home/app" });
    expect(resolveUserFrom("1000", PASSWD, GROUP)).toEqual(byName);
  });

  it("uses an unknown numeric uid and gid as they are", () => {
    expect(resolveUserFrom("4242:4343", PASSWD, GROUP)).toEqual({
      uid: 4242,
      gid: 4343,
      additionalGids: [],
      home: "/",
    });
  });

  it("takes the group from name:group, without supplementary groups", () => {
    expect(resolveUserFrom("app:staff", PASSWD, GROUP)).toMatchObject({
      uid: 1000,
      gid: 50,
      additionalGids: [],
    });
  });

  it("adds --group-add groups", () => {
    expect(resolveUserFrom("root", PASSWD, GROUP, ["wheel", "777"]).additionalGids).toEqual([10, 777]);
  });

  it("fails with Docker's words for unknown names", () => {
    expect(() => resolveUserFrom("foo", PASSWD, GROUP)).toThrow(
      new UserNotFoundError("unable to find user foo: no matching entries in passwd file"),
    );
    expect(() => resolveUserFrom("app:nogrp", PASSWD, GROUP)).toThrow(
      "unable to find group nogrp: no matching entries in group file",
    );
    expect(() => resolveUserFrom("foo", "", "")).toThrow("unable to find user foo");
  });
});

describe("resolveUser", () => {
  it("reads the rootfs's files and ignores a passwd symlink that leads out of it", async () => {
    const root = await mkdtemp(join(tmpdir(), "skiff-user-"));
    try {
      await mkdir(join(root, "etc"));
      await writeFile(join(root, "etc/group"), GROUP);
      await symlink("/etc/passwd", join(root, "etc/passwd")); // the host's: must not be read
      await expect(resolveUser(root, "0")).resolves.toMatchObject({ uid: 0, home: "/" });
      await expect(resolveUser(root, "root")).rejects.toThrow("unable to find user root");
      await rm(join(root, "etc/passwd"));
      await writeFile(join(root, "etc/passwd"), PASSWD);
      await expect(resolveUser(root, "app")).resolves.toMatchObject({ uid: 1000, gid: 1001 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
