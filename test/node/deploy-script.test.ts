import { describe, expect, it } from "vitest";
import { dependencySizes, packageOf, renderBundleReport, type BundleReport } from "../../scripts/bundle-size";
import {
  missingSecrets,
  parseSecretList,
  placeholderProblems,
  readWranglerConfig,
  secretPutCommand,
} from "../../scripts/deploy";

describe("parseSecretList reads `wrangler secret list --format json`", () => {
  const cases: [string, string, string[] | null][] = [
    [
      "two secrets",
      '[{"name":"OPERATOR_TOKEN","type":"secret_text"},{"name":"JWT_SIGNING_KEYS","type":"secret_text"}]',
      ["OPERATOR_TOKEN", "JWT_SIGNING_KEYS"],
    ],
    ["none yet", "[]", []],
    [
      "a log line before the JSON",
      'Using account abc\n[{"name":"BYOK_MASTER_KEYS","type":"secret_text"}]',
      ["BYOK_MASTER_KEYS"],
    ],
    ["not JSON", "✘ [ERROR] Authentication error", null],
    ["an object", '{"name":"OPERATOR_TOKEN"}', null],
    ["entries without a name", '[{"type":"secret_text"}]', null],
    ["truncated output", '[{"name":"OPERATOR_TOKEN"', null],
  ];
  it.each(cases)("%s", (_label, stdout, expected) => expect(parseSecretList(stdout)).toEqual(expected));
});

describe("missing secrets and the command that creates each", () => {
  const cases: [string[], string[]][] = [
    [[], ["JWT_SIGNING_KEYS", "BYOK_MASTER_KEYS", "OPERATOR_TOKEN"]],
    [
      ["OPERATOR_TOKEN", "UPSTASH_REDIS_REST_TOKEN"],
      ["JWT_SIGNING_KEYS", "BYOK_MASTER_KEYS"],
    ],
    [["JWT_SIGNING_KEYS", "BYOK_MASTER_KEYS", "OPERATOR_TOKEN"], []],
    // Names are exact: a lower-case look-alike is not the secret the Worker reads.
    [["operator_token", "JWT_SIGNING_KEYS", "BYOK_MASTER_KEYS"], ["OPERATOR_TOKEN"]],
  ];
  it.each(cases)("present %j → missing %j", (present, missing) => expect(missingSecrets(present)).toEqual(missing));

  it("pipes a generated value straight into wrangler for the chosen environment", () => {
    expect(secretPutCommand("BYOK_MASTER_KEYS", "production")).toBe(
      "npx tsx scripts/generate-secrets.ts --print BYOK_MASTER_KEYS | npx wrangler secret put BYOK_MASTER_KEYS --env production",
    );
  });
});

describe("placeholderProblems refuses a deploy that still names the example domains or the dummy database", () => {
  it("lists every placeholder left in the shipped [env.production]", async () => {
    const problems = placeholderProblems(await readWranglerConfig("production"));
    expect(problems.some((p) => p.startsWith("d1_databases DB"))).toBe(true);
    for (const name of ["API_HOST", "PROJECT_DOMAIN", "DEV_PROJECT_DOMAIN", "JWT_ISSUER"])
      expect(problems).toContain(`vars.${name} still uses the placeholder domain tollgate.example`);
    expect(problems.filter((p) => p.startsWith("route "))).toHaveLength(3);
  });

  it("passes once the operator has replaced them", () => {
    const config = {
      vars: {
        API_HOST: "api.gw.acme.dev",
        PROJECT_DOMAIN: "gw.acme.dev",
        DEV_PROJECT_DOMAIN: "gw-dev.acme.dev",
        JWT_ISSUER: "https://api.gw.acme.dev",
      },
      routes: [{ pattern: "api.gw.acme.dev/*", zone_name: "acme.dev" }, "*.gw.acme.dev/*"],
      d1_databases: [{ binding: "DB", database_id: "7f1c2a9e-3b1d-4a55-9e0f-1c2d3e4f5a6b" }],
    };
    expect(placeholderProblems(config)).toEqual([]);
    // Dev-only path routing (`/p/{slug}/…`) must never reach a deployed Worker.
    expect(placeholderProblems({ ...config, vars: { ...config.vars, DEV_PATH_ROUTING: "true" } })).toEqual([
      "vars.DEV_PATH_ROUTING is for local development only; remove it",
    ]);
  });

  it("is not fooled by a domain that merely ends in the placeholder's letters", () => {
    const config = {
      vars: { API_HOST: "api.mytollgate.example", PROJECT_DOMAIN: "mytollgate.example" },
      routes: [],
      d1_databases: [{ binding: "DB", database_id: "7f1c2a9e-3b1d-4a55-9e0f-1c2d3e4f5a6b" }],
    };
    expect(placeholderProblems(config)).toEqual([]);
  });
});

describe("bundle size attribution", () => {
  const cases: [string, string][] = [
    ["src/index.ts", "tollgate"],
    ["durable-objects/project-gate.ts", "tollgate"],
    ["node_modules/hono/dist/hono-base.js", "hono"],
    ["node_modules/@upstash/redis/nodejs.mjs", "@upstash/redis"],
    ["node_modules/@libsql/client/node_modules/@libsql/core/lib-esm/api.js", "@libsql/core"],
    ["../node_modules/wrangler/templates/middleware/common.ts", "wrangler"],
  ];
  it.each(cases)("%s → %s", (input, name) => expect(packageOf(input)).toBe(name));

  it("sums JavaScript per package from the metafile and counts argon2id's wasm beside it, largest first", () => {
    const metafile = {
      outputs: {
        "dist/index.js": {
          inputs: {
            "src/index.ts": { bytesInOutput: 300 },
            "src/env.ts": { bytesInOutput: 200 },
            "node_modules/zod/v4/core/core.js": { bytesInOutput: 900 },
            "node_modules/argon2id/lib/setup.js": { bytesInOutput: 50 },
          },
        },
        "dist/index.js.map": { inputs: {} },
      },
    };
    const modules = [
      { file: "index.js", bytes: 1450, gzipBytes: 400 },
      { file: "0a1b-simd.wasm", bytes: 4000, gzipBytes: 1000 },
      { file: "0a1b-no-simd.wasm", bytes: 3000, gzipBytes: 1200 },
    ];
    expect(dependencySizes(metafile, modules)).toEqual([
      { name: "argon2id", bytes: 7050 },
      { name: "zod", bytes: 900 },
      { name: "tollgate", bytes: 500 },
    ]);
  });

  it("renders the total against the budget and says so when over", () => {
    const report: BundleReport = {
      modules: [{ file: "index.js", bytes: 4 * 1024 * 1024, gzipBytes: 1.5 * 1024 * 1024 }],
      totalBytes: 4 * 1024 * 1024,
      totalGzipBytes: 1.5 * 1024 * 1024,
      dependencies: [{ name: "zod", bytes: 1024 * 1024 }],
      budgetBytes: 1024 * 1024,
      withinBudget: false,
    };
    const markdown = renderBundleReport(report, "2026-05-01");
    expect(markdown).toContain("Measured 2026-05-01");
    expect(markdown).toContain("**Total: 1536.0 KiB gzipped**");
    expect(markdown).toContain("OVER BUDGET");
    expect(markdown).toContain("| zod | 1024.0 KiB | 25.0 % |");
  });
});
