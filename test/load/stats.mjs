/** Figures of a run: percentiles, and the CPU time and memory of the local runtime's processes. */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** The value below which `p` (0–1) of `values` fall (nearest rank); NaN when empty. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** p50, p90, p99 and max of a list of latencies (ms). */
export function summary(values) {
  return {
    n: values.length,
    p50: percentile(values, 0.5),
    p90: percentile(values, 0.9),
    p99: percentile(values, 0.99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

function stat(pid) {
  // Fields after the command (which may hold spaces) start after the last ")".
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** Process ids under `root` (its children, their children…), `root` excluded. */
export function descendants(root) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(stat(name)[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * The workerd processes wrangler started under `wranglerPid` (the process we spawned):
 * wrangler runs two, its proxy and the one running the Worker; both are the runtime.
 */
export function runtimePids(wranglerPid) {
  return descendants(wranglerPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd";
    } catch {
      return false;
    }
  });
}

let ticks;
/** CPU time (user + system, ms) used so far by the processes `pids`. */
export function cpuMs(pids) {
  ticks ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString()) || 100;
  let sum = 0;
  for (const pid of pids) {
    try {
      const f = stat(pid);
      sum += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone
    }
  }
  return (sum * 1000) / ticks;
}

/** Resident memory (bytes) of the processes `pids`. */
export function rssBytes(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const kb = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
      sum += kb ? Number(kb[1]) * 1024 : 0;
    } catch {
      // gone
    }
  }
  return sum;
}

/** The machine, for the table's caption: CPU model, cores, memory, Node and load. */
export function machine() {
  const cpu =
    readFileSync("/proc/cpuinfo", "utf8")
      .match(/^model name\s*:\s*(.+)$/m)?.[1]
      ?.trim() ?? "unknown CPU";
  const cores = readFileSync("/proc/cpuinfo", "utf8").match(/^processor\s*:/gm)?.length ?? 0;
  const memKb = Number(readFileSync("/proc/meminfo", "utf8").match(/^MemTotal:\s+(\d+)/m)?.[1] ?? 0);
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return { cpu, cores, memGb: Math.round(memKb / 1024 / 1024), node: process.version, load };
}
