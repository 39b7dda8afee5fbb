// The scheduler's public face for the composition root (src/server).
export { Scheduler, type SchedulerOptions, type SchedulerStats } from "./scheduler.js";
