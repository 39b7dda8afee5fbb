// The options of registry operations (docs/api.md), shared by http/ and in-process clients.

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

export interface WriteOptions {
  user: UserInfo;
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation?: "Ignore" | "Warn" | "Strict";
  /**
   * Filled by the registry with warnings for the client (fieldValidation=Warn's unknown
   * fields); http/ sends each as a `Warning: 299 - "text"` header.
   */
  warnings?: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export type Subresource = "status" | "scale";
