// Docker's container stats JSON (GET /containers/{id}/stats), as the docker CLI reads it.

export interface CpuStats {
  cpu_usage: {
    total_usage: number; // ns
    percpu_usage?: number[];
    usage_in_kernelmode: number;
    usage_in_usermode: number;
  };
  system_cpu_usage: number; // ns, all CPUs of the host
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

export interface DockerStats {
  id: string;
  name: string;
  read: string; // RFC 3339
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: Record<string, null | Array<{ major: number; minor: number; op: string; value: number }>>;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: {
    usage?: number;
    max_usage?: number;
    stats?: Record<string, number>;
    limit?: number;
    failcnt?: number;
  };
  networks?: Record<string, NetworkStats>;
}

export function emptyCpuStats(): CpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: 0,
    online_cpus: 0,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}
