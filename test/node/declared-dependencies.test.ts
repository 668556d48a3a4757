import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SCANNED_DIRS = ["src", "durable-objects", "scripts", "test", "dashboard", "schema"];
const SOURCE = /\.(ts|mts|tsx|js|mjs)$/;
// Static import and export-from statements, side-effect imports, and dynamic import() with a string literal.
const SPECIFIERS = [
  /^\s*(?:import|export)\s[^;]*?[\w}*]\s+from\s*["']([^"']+)["']/gm,
  /^\s*import\s*["']([^"']+)["']/gm,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "dist") return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/** The package a bare specifier names (`@a/b/c` → `@a/b`, `x/y` → `x`); null for builtins, `cloudflare:` and relative paths. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || /^[a-z]+:/.test(specifier)) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? null);
}

function importedPackages(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ""))
    .map(packageOf)
    .filter((name): name is string => name !== null);
}

describe("declared dependencies", () => {
  it("maps specifiers to package names", () => {
    expect(packageOf("@hono/zod-openapi")).toBe("@hono/zod-openapi");
    expect(packageOf("drizzle-orm/sqlite-core")).toBe("drizzle-orm");
    expect(packageOf("@cloudflare/vitest-pool-workers/config")).toBe("@cloudflare/vitest-pool-workers");
    expect(packageOf("node:fs")).toBeNull();
    expect(packageOf("cloudflare:workers")).toBeNull();
    expect(packageOf("../src/env")).toBeNull();
  });

  it("declares in package.json every package the code imports", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.devDependencies ?? {}),
    ]);
    const rootFiles = readdirSync(ROOT)
      .filter((name) => /\.(ts|mts)$/.test(name))
      .map((name) => join(ROOT, name));
    const files = [...SCANNED_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))), ...rootFiles];
    expect(files.length).toBeGreaterThan(100);
    const undeclared = files.flatMap((file) =>
      importedPackages(file)
        .filter((name) => !declared.has(name))
        .map((name) => `${name} (${relative(ROOT, file)})`),
    );
    expect([...new Set(undeclared)]).toEqual([]);
  });
});
