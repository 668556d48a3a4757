import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of the workerd processes the bench starts, read from /proc (Linux): user + system time is what a
 * request costs the machine, whatever the latency hides. Each Miniflare instance runs its own workerd, so a
 * target's CPU delta over a load round divided by the requests it answered is its CPU per request.
 */
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; the kernel reports utime/stime in these on every Linux ABI

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  cpuMs: number;
}

/** Fields of /proc/<pid>/stat: the command is in parentheses and may itself contain spaces or parentheses. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // After the command: state(3) ppid(4) … utime(14) stime(15), so utime and stime are rest[11] and rest[12].
  const ppid = Number(rest[1]);
  const ticks = Number(rest[11]) + Number(rest[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks)) return undefined;
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid,
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined; // exited, or not Linux
  }
}

/** Descendants of this process whose command is `comm` (workerd runs as a child of Miniflare's node process). */
export function descendantsNamed(comm: string, root = process.pid): number[] {
  let stats: ProcStat[];
  try {
    stats = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readStat(Number(name)))
      .filter((stat): stat is ProcStat => stat !== undefined);
  } catch {
    return [];
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const child of children.get(parent) ?? []) {
      if (child.comm === comm) found.push(child.pid);
      queue.push(child.pid);
    }
  }
  return found;
}

/** User + system CPU milliseconds a process has used so far; undefined once it has gone. */
export function processCpuMs(pid: number): number | undefined {
  return readStat(pid)?.cpuMs;
}
