// Prometheus metrics of the registry, registered on the server's metrics registry.
import { Counter, Histogram, type Registry } from "prom-client";

export class RegistryMetrics {
  readonly requests: Counter<"route" | "method" | "code">;
  readonly duration: Histogram<"route" | "method">;
  readonly gcRuns: Counter<"result">;
  readonly gcDeletedBlobs: Counter;
  readonly lifecycleExpired: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: "skiff_registry_requests_total",
      help: "Registry HTTP requests by route, method and status code.",
      labelNames: ["route", "method", "code"],
      registers,
    });
    this.duration = new Histogram({
      name: "skiff_registry_request_duration_seconds",
      help: "Registry HTTP request latency by route and method.",
      labelNames: ["route", "method"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers,
    });
    this.gcRuns = new Counter({
      name: "skiff_registry_gc_runs_total",
      help: "Garbage collection runs by result.",
      labelNames: ["result"],
      registers,
    });
    this.gcDeletedBlobs = new Counter({
      name: "skiff_registry_gc_deleted_blobs_total",
      help: "Blobs deleted by garbage collection.",
      registers,
    });
    this.lifecycleExpired = new Counter({
      name: "skiff_registry_lifecycle_expired_images_total",
      help: "Images expired by lifecycle policies.",
      registers,
    });
  }
}
