// The scheduler's parsed view of pods and nodes: the fields filters and scores read, taken out of
// the JSON once per pod or node change so a scheduling cycle compares numbers, not quantity strings.
import type { KubeObject } from "../api/types.js";

/** Amounts in the units the scheduler compares: cpu in millicores, the rest in base units. */
export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and other named resources (hugepages-2Mi, example.com/gpu, …). */
  scalar: Map<string, number>;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

/** A pod as the scheduler sees it. */
export interface PodInfo {
  /** namespace/name */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly pod: KubeObject;
  /** spec.nodeName ("" when unbound). */
  readonly nodeName: string;
  readonly schedulerName: string;
  /** Effective requests (containers, init containers, sidecars, overhead) as NodeResourcesFit counts them. */
  readonly requests: Resources;
  /** cpu/memory requests with the scoring defaults (100m, 200Mi) for containers that ask for none. */
  readonly nonZero: { milliCpu: number; memory: number };
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** requiredDuringSchedulingIgnoredDuringExecution terms; undefined when none is set. */
  readonly requiredTerms: readonly NodeSelectorTerm[] | undefined;
  readonly preferredTerms: readonly PreferredSchedulingTerm[];
  readonly priority: number;
  /** Pods in Succeeded or Failed hold no resources. */
  readonly terminal: boolean;
  readonly deleting: boolean;
  /** spec.schedulingGates is not empty: not to be scheduled yet. */
  readonly gated: boolean;
}

/** The node-side facts a filter or score may read. */
export interface NodeView {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: Resources;
  readonly allowedPods: number;
  /** Sums of the requests of the pods bound or assumed to this node. */
  readonly requested: Resources;
  readonly nonZeroRequested: { milliCpu: number; memory: number };
  readonly podCount: number;
  readonly usedPorts: readonly HostPort[];
}

/** What a filter answers for a node that fits (shared, never mutated). */
export const FITS: readonly string[] = Object.freeze([]);

/** One filter plugin: the reasons the node does not fit, none when it does. */
export interface FilterPlugin {
  readonly name: string;
  filter(pod: PodInfo, node: NodeView): readonly string[];
}

/** One score plugin: a raw score per node, then (optionally) normalized to 0..100 over all nodes. */
export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  score(pod: PodInfo, node: NodeView): number;
  normalize?(scores: number[]): void;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const MAX_NODE_SCORE = 100;
