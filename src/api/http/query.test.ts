import { describe, expect, it } from "vitest";
import { deleteOptions, listOptions, managerFromUserAgent, watchOptions, writeOptions } from "./query.js";

const q = (s: string) => new URLSearchParams(s);

describe("query parameters", () => {
  it("reads list and watch options", () => {
    expect(listOptions(q("limit=500&labelSelector=app%3Dweb&continue=abc&resourceVersion=0"))).toEqual({
      limit: 500,
      labelSelector: "app=web",
      continue: "abc",
      resourceVersion: "0",
    });
    expect(listOptions(q("limit=0"))).toEqual({});
    expect(() => listOptions(q("limit=x"))).toThrow(/limit/);
    expect(
      watchOptions(
        q("watch=true&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=12&fieldSelector=a%3Db"),
        "web",
      ),
    ).toEqual({
      allowWatchBookmarks: true,
      timeoutSeconds: 300,
      resourceVersion: "12",
      fieldSelector: "a=b,metadata.name=web",
    });
  });

  it("reads write options with Kubernetes' defaults and wording", () => {
    expect(
      writeOptions(
        q("fieldManager=kubectl-client-side-apply&fieldValidation=Strict&dryRun=All"),
        "kubectl/v1.32.4",
      ),
    ).toEqual({
      dryRun: true,
      fieldManager: "kubectl-client-side-apply",
      fieldManagerGiven: true,
      fieldValidation: "Strict",
    });
    expect(writeOptions(q(""), "kubectl/v1.32.4 (linux/amd64) kubernetes/abc")).toMatchObject({
      dryRun: false,
      fieldManager: "kubectl",
      fieldManagerGiven: false,
      fieldValidation: "Warn",
    });
    expect(() => writeOptions(q("fieldValidation=Loud"), undefined)).toThrow(
      'fieldValidation: Unsupported value: "Loud": supported values: "Ignore", "Warn", "Strict"',
    );
    expect(managerFromUserAgent(undefined)).toBe("unknown");
  });

  it("reads delete options from the body first, then the query", () => {
    expect(
      deleteOptions(q("propagationPolicy=Orphan"), {
        propagationPolicy: "Foreground",
        gracePeriodSeconds: 0,
      }),
    ).toEqual({
      propagationPolicy: "Foreground",
      gracePeriodSeconds: 0,
    });
    expect(deleteOptions(q("propagationPolicy=Orphan&gracePeriodSeconds=5"), undefined)).toEqual({
      propagationPolicy: "Orphan",
      gracePeriodSeconds: 5,
    });
    expect(deleteOptions(q(""), { orphanDependents: true })).toEqual({ propagationPolicy: "Orphan" });
    expect(deleteOptions(q(""), { preconditions: { uid: "u1" } })).toEqual({ preconditions: { uid: "u1" } });
    expect(() => deleteOptions(q("propagationPolicy=Later"), undefined)).toThrow(/Unsupported value/);
  });
});
