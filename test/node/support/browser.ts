import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** The Debian package's binary; `.ci/run` installs it (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Whether browser tests can run: CI installs chromium and must run them; only a developer machine may skip. */
export function chromiumForTests(): boolean {
  const available = hasChromium();
  if (!available && process.env.CI === "true")
    throw new Error("CI=true but /usr/bin/chromium is not installed (apt-get install -y chromium)");
  if (!available) console.warn("chromium not installed (apt-get install -y chromium): browser tests skipped");
  return available;
}

/** Headless Chromium, offline: no sandbox (containers), no background traffic, `*.localhost` → 127.0.0.1. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // The gateway listens on 127.0.0.1 only; pin project hostnames there rather than rely on ::1 fallback.
      "--host-resolver-rules=MAP *.localhost 127.0.0.1",
    ],
  });
}

export interface StaticSite {
  /** `http://127.0.0.1:{port}`, the Origin its pages send. */
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/** Serves the files of `dir` (GET only, no directory listing, no path outside `dir`) on a free port. */
export async function serveStatic(dir: string): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://site").pathname)).replace(
      /^(\.\.[/\\])+/,
      "",
    );
    const file = join(dir, path);
    if (req.method !== "GET" || !file.startsWith(dir) || !existsSync(file) || !TYPES[extname(file)]) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)]!, "Cache-Control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
