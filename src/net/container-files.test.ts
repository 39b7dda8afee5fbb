import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHosts, filterResolvConf, writeContainerFiles } from "./container-files.js";

describe("buildHosts", () => {
  it("writes Docker's header and the container's own line", () => {
    expect(buildHosts({ hostname: "abc123", ip: "10.89.0.2" })).toBe(
      "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n10.89.0.2\tabc123\n",
    );
  });

  it("names the FQDN first with a domain, and has no own line without an IP (--network none)", () => {
    expect(buildHosts({ hostname: "web", domainname: "example.org", ip: "10.89.0.3" })).toMatch(
      /\n10\.89\.0\.3\tweb\.example\.org\tweb\n$/,
    );
    expect(buildHosts({ hostname: "web" })).not.toContain("web");
  });
});

describe("filterResolvConf", () => {
  it("drops loopback and IPv6 nameservers, keeps search and options", () => {
    const host =
      "# comment\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nnameserver fe80::1%eth0\nsearch example.org\noptions ndots:2 edns0\n";
    expect(filterResolvConf(host)).toBe(
      "# comment\nnameserver 10.0.0.2\nsearch example.org\noptions ndots:2 edns0\n",
    );
  });

  it("falls back to Docker's public nameservers when none remain", () => {
    expect(filterResolvConf("nameserver 127.0.0.53\nsearch lan\n")).toBe(
      "search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n",
    );
    expect(filterResolvConf("")).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });
});

describe("writeContainerFiles", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-netfiles-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the three files for a bridged container", async () => {
    await writeFile(join(dir, "host-resolv"), "nameserver 127.0.0.1\n");
    const paths = await writeContainerFiles(join(dir), {
      hostname: "c1",
      attachment: { mode: "bridge", ip: "10.89.0.9", ports: [] },
      hostFiles: { hosts: join(dir, "none"), resolvConf: join(dir, "host-resolv") },
    });
    expect(paths).toEqual({
      hosts: join(dir, "hosts"),
      hostname: join(dir, "hostname"),
      resolvConf: join(dir, "resolv.conf"),
    });
    expect(await readFile(paths.hosts, "utf8")).toContain("10.89.0.9\tc1\n");
    expect(await readFile(paths.hostname, "utf8")).toBe("c1\n");
    expect(await readFile(paths.resolvConf, "utf8")).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });

  it("gives host mode the host's hosts and resolv.conf unchanged", async () => {
    await writeFile(join(dir, "host-hosts"), "127.0.0.1 localhost\n192.0.2.5 box\n");
    await writeFile(join(dir, "host-resolv"), "nameserver 127.0.0.53\n");
    const paths = await writeContainerFiles(join(dir), {
      hostname: "box",
      attachment: { mode: "host", ports: [] },
      hostFiles: { hosts: join(dir, "host-hosts"), resolvConf: join(dir, "host-resolv") },
    });
    expect(await readFile(paths.hosts, "utf8")).toBe("127.0.0.1 localhost\n192.0.2.5 box\n");
    expect(await readFile(paths.resolvConf, "utf8")).toBe("nameserver 127.0.0.53\n");
  });
});
