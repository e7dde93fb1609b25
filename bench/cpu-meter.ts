/**
 * Who used the CPU while something ran (Linux /proc; zeros elsewhere): this process, other processes by pid (the
 * simulator, the database's backends), the whole machine, and how late this process's event loop ran.
 */
import { existsSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Nanoseconds a process has run (/proc/<pid>/schedstat), or 0 where there is no /proc. */
export function runNs(pid: number): number {
  const file = `/proc/${pid}/schedstat`;
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split(' ')[0]) : 0;
}

/** Busy and total jiffies of all cores (/proc/stat), or zeros. */
function machineJiffies(): { busy: number; total: number } {
  if (!existsSync('/proc/stat')) return { busy: 0, total: 0 };
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuFigures {
  /** CPU seconds of this process. */
  process: number;
  /** CPU seconds of each named group of pids. */
  others: Record<string, number>;
  /** Share of all cores' time that was busy, 0..1, whoever used it (other agents on a shared machine too). */
  machineBusy: number;
  /** This process's event-loop delay, ms. */
  eventLoopDelayMs: { mean: number; p99: number; max: number };
}

/** Starts measuring; the returned function stops and gives the figures. */
export function startCpuMeter(others: Record<string, number[]>): () => CpuFigures {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + runNs(pid), 0);
  const othersStart = Object.fromEntries(Object.entries(others).map(([name, pids]) => [name, sum(pids)]));
  const machineStart = machineJiffies();
  const cpuStart = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return () => {
    loop.disable();
    const cpu = process.cpuUsage(cpuStart);
    const machine = machineJiffies();
    const total = machine.total - machineStart.total;
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    return {
      process: (cpu.user + cpu.system) / 1e6,
      others: Object.fromEntries(
        Object.entries(others).map(([name, pids]) => [name, (sum(pids) - othersStart[name]!) / 1e9]),
      ),
      machineBusy: total === 0 ? 0 : (machine.busy - machineStart.busy) / total,
      eventLoopDelayMs: { mean: ms(loop.mean), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    };
  };
}
