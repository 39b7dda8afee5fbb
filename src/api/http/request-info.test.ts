import { describe, expect, it } from "vitest";
import { requestInfo } from "./request-info.js";

function info(method: string, url: string) {
  const u = new URL(url, "https://x");
  return requestInfo(method, u.pathname, u.searchParams);
}

describe("requestInfo", () => {
  it("reads a namespaced object of a named group", () => {
    expect(info("GET", "/apis/apps/v1/namespaces/default/deployments/web")).toMatchObject({
      resourceRequest: true,
      verb: "get",
      apiPrefix: "apis",
      group: "apps",
      version: "v1",
      namespace: "default",
      resource: "deployments",
      name: "web",
      urlName: "web",
      subresource: "",
    });
  });

  it("turns a GET without a name into list, or watch with ?watch=true|1", () => {
    expect(info("GET", "/api/v1/namespaces/default/pods").verb).toBe("list");
    expect(info("GET", "/api/v1/pods?watch=true").verb).toBe("watch");
    expect(info("GET", "/api/v1/pods?watch=1").verb).toBe("watch");
    expect(info("GET", "/api/v1/pods?watch=false").verb).toBe("list");
    expect(info("GET", "/api/v1/watch/namespaces/default/pods").verb).toBe("watch");
  });

  it("authorises a list pinned to one name as a request for that name", () => {
    const i = info("GET", "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb&watch=1");
    expect(i).toMatchObject({ verb: "watch", name: "web", urlName: "" });
  });

  it("maps methods to verbs, DELETE without a name to deletecollection", () => {
    expect(info("POST", "/api/v1/namespaces/a/configmaps").verb).toBe("create");
    expect(info("PUT", "/api/v1/namespaces/a/configmaps/c").verb).toBe("update");
    expect(info("PATCH", "/api/v1/namespaces/a/configmaps/c").verb).toBe("patch");
    expect(info("DELETE", "/api/v1/namespaces/a/configmaps/c").verb).toBe("delete");
    expect(info("DELETE", "/api/v1/namespaces/a/configmaps").verb).toBe("deletecollection");
  });

  it("reads the namespace object itself and its status", () => {
    expect(info("GET", "/api/v1/namespaces/team-a")).toMatchObject({
      resource: "namespaces",
      namespace: "team-a",
      name: "team-a",
      subresource: "",
    });
    expect(info("PUT", "/api/v1/namespaces/team-a/status")).toMatchObject({
      resource: "namespaces",
      name: "team-a",
      subresource: "status",
    });
    expect(info("GET", "/api/v1/namespaces")).toMatchObject({
      resource: "namespaces",
      verb: "list",
      namespace: "",
    });
  });

  it("reads subresources", () => {
    expect(info("PATCH", "/apis/apps/v1/namespaces/d/deployments/web/scale")).toMatchObject({
      resource: "deployments",
      name: "web",
      subresource: "scale",
    });
    expect(info("POST", "/api/v1/namespaces/d/serviceaccounts/default/token")).toMatchObject({
      verb: "create",
      resource: "serviceaccounts",
      subresource: "token",
    });
  });

  it("reads cluster-scoped resources", () => {
    expect(info("GET", "/api/v1/nodes/n1")).toMatchObject({ namespace: "", resource: "nodes", name: "n1" });
    expect(info("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")).toMatchObject({
      verb: "create",
      group: "authorization.k8s.io",
      resource: "selfsubjectaccessreviews",
    });
  });

  it("treats discovery and other paths as non-resource requests", () => {
    for (const path of [
      "/api",
      "/api/v1",
      "/apis",
      "/apis/apps",
      "/apis/apps/v1",
      "/version",
      "/healthz",
      "/",
    ]) {
      const i = info("GET", path);
      expect(i.resourceRequest, path).toBe(false);
      expect(i.verb).toBe("get");
    }
    expect(info("GET", "/openapi/v3/apis/apps/v1").path).toBe("/openapi/v3/apis/apps/v1");
    expect(info("POST", "/healthz").verb).toBe("post");
  });
});
