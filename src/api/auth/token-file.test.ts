import { describe, expect, it } from "vitest";
import { parseTokenFile } from "./token-file.js";

describe("parseTokenFile", () => {
  it("reads token,user,uid and quoted groups, skipping comments and blank lines", () => {
    const tokens = parseTokenFile('# comment\n\nt1,alice,1\nt2,bob,2,"dev,ops"\nt3,carol,,qa\n');
    expect([...tokens]).toEqual([
      ["t1", { name: "alice", uid: "1", groups: [] }],
      ["t2", { name: "bob", uid: "2", groups: ["dev", "ops"] }],
      ["t3", { name: "carol", groups: ["qa"] }],
    ]);
  });

  it("names the line of a bad record", () => {
    expect(() => parseTokenFile("t1,alice,1\nt2\n")).toThrow("token file line 2");
    expect(() => parseTokenFile('t1,alice,1,"dev\n')).toThrow("unterminated quote");
    expect(() => parseTokenFile("t1,alice,1\nt1,bob,2\n")).toThrow("duplicate token");
  });
});
