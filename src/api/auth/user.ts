// Who a request is, as the authenticators produce it and the authorizer reads it (Kubernetes'
// user.Info without `extra`). Declared here because auth sits below registry in the layering;
// registry's UserInfo has the same shape.

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

export const ADMIN_USER = "skiff-admin";
export const GROUP_MASTERS = "system:masters";
export const GROUP_AUTHENTICATED = "system:authenticated";
export const GROUP_UNAUTHENTICATED = "system:unauthenticated";
export const ANONYMOUS_USER = "system:anonymous";

/** Like Kubernetes' AuthenticatedGroupAdder: every authenticated user is in system:authenticated. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(GROUP_AUTHENTICATED) || user.groups.includes(GROUP_UNAUTHENTICATED)) {
    return user;
  }
  return { ...user, groups: [...user.groups, GROUP_AUTHENTICATED] };
}
