import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types.js";
import {
  appendRevisionHistory,
  copyDeploymentAnnotations,
  maxRevision,
  revisionOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from "./annotations.js";

const obj = (annotations?: Record<string, string>): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "x", ...(annotations && { annotations }) },
});

describe("annotations", () => {
  it("copies all but kubectl's skip-list from the Deployment", () => {
    const d = obj({
      "kubernetes.io/change-cause": "kubectl set image",
      team: "a",
      "kubectl.kubernetes.io/last-applied-configuration": "{}",
      "deployment.kubernetes.io/revision": "4",
      "deployment.kubernetes.io/revision-history": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
      "deprecated.deployment.rollback.to": "1",
    });
    const rs = obj({ team: "a" });
    expect(copyDeploymentAnnotations(d, rs)).toBe(true);
    expect(rs.metadata.annotations).toEqual({ team: "a", "kubernetes.io/change-cause": "kubectl set image" });
    expect(copyDeploymentAnnotations(d, rs)).toBe(false);
  });

  it("reads revisions, ignoring garbage", () => {
    expect(revisionOf(obj({ "deployment.kubernetes.io/revision": "7" }))).toBe(7);
    expect(revisionOf(obj({ "deployment.kubernetes.io/revision": "x" }))).toBe(0);
    expect(revisionOf(obj())).toBe(0);
    expect(
      maxRevision([
        obj({ "deployment.kubernetes.io/revision": "2" }),
        obj({ "deployment.kubernetes.io/revision": "10" }),
      ]),
    ).toBe(10);
  });

  it("sets a new ReplicaSet's revision and replica annotations", () => {
    const rs = obj();
    expect(setNewReplicaSetAnnotations(obj(), rs, { revision: 1, replicas: { desired: 3, max: 4 } })).toBe(
      true,
    );
    expect(rs.metadata.annotations).toEqual({
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
    expect(setNewReplicaSetAnnotations(obj(), rs, { revision: 1 })).toBe(false);
  });

  it("a reused ReplicaSet moves to max+1 and remembers its revisions; never moves down", () => {
    const rs = obj({ "deployment.kubernetes.io/revision": "1" });
    expect(setNewReplicaSetAnnotations(obj(), rs, { revision: 3 })).toBe(true);
    expect(rs.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect(rs.metadata.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(setNewReplicaSetAnnotations(obj(), rs, { revision: 5 })).toBe(true);
    expect(rs.metadata.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1,3");
    expect(setNewReplicaSetAnnotations(obj(), rs, { revision: 2 })).toBe(false);
    expect(setReplicasAnnotations(rs, 2, 3)).toBe(true);
    expect(setReplicasAnnotations(rs, 2, 3)).toBe(false);
  });

  it("keeps the revision history under its length limit", () => {
    const long = Array.from({ length: 500 }, (_, i) => String(i)).join(",");
    const out = appendRevisionHistory(long, "9999");
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.endsWith(",9999")).toBe(true);
  });
});
