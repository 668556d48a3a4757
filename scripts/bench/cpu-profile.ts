import { readFileSync } from "node:fs";
import WebSocket from "ws";

/**
 * Where the gateway's CPU goes: a V8 sampling profile of the gateway's isolates taken over the inspector
 * protocol (Miniflare's `inspectorPort`) while load runs, attributed to source modules through the
 * `// src/…` markers esbuild leaves in the unminified bundle. Self time only: I/O waits (D1, Durable
 * Object storage, the upstream) do not appear, which is the point — it shows JavaScript work.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CostLine {
  label: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  sampledMs: number;
  isolates: number;
  /** sampledMs over the requests completed while sampling; set by the caller, who knows the count. */
  perRequestMs?: number;
  byModule: CostLine[];
  byFunction: CostLine[];
}

const CONNECT_TIMEOUT_MS = 10_000;
const CALL_TIMEOUT_MS = 60_000;

class InspectorSession {
  private nextId = 1;
  private pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
    });
  }

  static open(url: string): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`inspector ${url} did not open`)), CONNECT_TIMEOUT_MS);
      socket.once("open", () => {
        clearTimeout(timer);
        resolve(new InspectorSession(socket));
      });
      socket.once("error", reject);
    });
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), CALL_TIMEOUT_MS);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(result as T);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Line number (0-based) → the bundled module it belongs to, from esbuild's `// path` markers. */
function moduleLines(bundlePath: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  readFileSync(bundlePath, "utf8")
    .split("\n")
    .forEach((text, line) => {
      const match = /^\/\/ ((?:src|durable-objects|node_modules)\/\S+)$/.exec(text);
      if (match) starts.push({ line, module: match[1]!.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, "npm:$1") });
    });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = "(bundle prelude)";
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid]!.line <= line) {
        found = starts[mid]!.module;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
}

export function summariseProfile(profiles: Profile[], moduleOf: (line: number) => string, top = 15): ProfileSummary {
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const ms = (profile.timeDeltas[index] ?? 0) / 1000;
      const frame = nodes.get(id)?.callFrame;
      if (!frame || frame.functionName === "(idle)" || frame.functionName === "(program)") return;
      total += ms;
      // Other scripts are Miniflare's own (entry router, the local D1 and storage simulators): local-only cost.
      const module = frame.url.endsWith("index.js")
        ? moduleOf(frame.lineNumber)
        : frame.url
          ? `miniflare:${frame.url.split("/").pop()}`
          : `(native) ${frame.functionName}`;
      byModule.set(module, (byModule.get(module) ?? 0) + ms);
      const fn = `${frame.functionName || "(anonymous)"} — ${module}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    });
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([label, ms]) => ({ label, ms, share: total > 0 ? ms / total : 0 }));
  return { sampledMs: total, isolates: profiles.length, byModule: ranked(byModule), byFunction: ranked(byFunction) };
}

/** Starts sampling every inspectable isolate behind `inspectorPort`; `stop` ends it and summarises. */
export async function startCpuProfile(
  inspectorPort: number,
  bundlePath: string,
): Promise<{ stop(): Promise<ProfileSummary> }> {
  const listing = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl?: string;
  }[];
  const sessions = await Promise.all(
    listing.flatMap((target) =>
      target.webSocketDebuggerUrl ? [InspectorSession.open(target.webSocketDebuggerUrl)] : [],
    ),
  );
  for (const session of sessions) {
    await session.call("Profiler.enable");
    await session.call("Profiler.setSamplingInterval", { interval: 200 });
    await session.call("Profiler.start");
  }
  return {
    async stop() {
      const profiles: Profile[] = [];
      for (const session of sessions) {
        profiles.push((await session.call<{ profile: Profile }>("Profiler.stop")).profile);
        session.close();
      }
      return summariseProfile(profiles, moduleLines(bundlePath));
    },
  };
}
