// Prometheus metrics of the API server, named as Kubernetes names them so existing dashboards
// read them: requests by verb, resource and code, and request latency.
import { Counter, Histogram, type Registry } from "prom-client";

export class ApiMetrics {
  readonly requests: Counter<"verb" | "group" | "resource" | "subresource" | "code">;
  readonly duration: Histogram<"verb" | "group" | "resource" | "subresource">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: "apiserver_request_total",
      help: "Counter of apiserver requests broken out for each verb, group, resource and HTTP response code.",
      labelNames: ["verb", "group", "resource", "subresource", "code"],
      registers,
    });
    this.duration = new Histogram({
      name: "apiserver_request_duration_seconds",
      help: "Response latency distribution in seconds for each verb, group, resource and subresource.",
      labelNames: ["verb", "group", "resource", "subresource"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
      registers,
    });
  }

  /** Kubernetes reports verbs upper-case, and a server-side apply as APPLY. */
  observe(
    l: { verb: string; group: string; resource: string; subresource: string; code: number; apply: boolean },
    seconds: number,
  ): void {
    const verb = l.apply ? "APPLY" : l.verb.toUpperCase();
    const labels = { verb, group: l.group, resource: l.resource, subresource: l.subresource };
    this.requests.inc({ ...labels, code: String(l.code) });
    // Watches last as long as the client wants; their duration says nothing about latency.
    if (verb !== "WATCH") this.duration.observe(labels, seconds);
  }
}
