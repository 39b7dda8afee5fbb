// Kubernetes puts a superuser authorizer in front of RBAC: members of system:masters are allowed
// everything without consulting any binding, so deleting the cluster-admin binding cannot lock
// the admin out. It wraps any authorizer of the same shape.
import type { Decision, RequestAttributes } from "./rbac.js";
import { GROUP_MASTERS } from "./user.js";

export interface AttributeAuthorizer {
  authorize(a: RequestAttributes): Promise<Decision>;
}

export class PrivilegedGroupsAuthorizer implements AttributeAuthorizer {
  readonly #inner: AttributeAuthorizer;
  readonly #groups: ReadonlySet<string>;

  constructor(inner: AttributeAuthorizer, groups: readonly string[] = [GROUP_MASTERS]) {
    this.#inner = inner;
    this.#groups = new Set(groups);
  }

  /** Allowed with no reason (as Kubernetes answers) for a privileged group, else the inner decision. */
  authorize(a: RequestAttributes): Promise<Decision> {
    if (a.user.groups.some((g) => this.#groups.has(g))) return Promise.resolve({ allowed: true, reason: "" });
    return this.#inner.authorize(a);
  }
}
