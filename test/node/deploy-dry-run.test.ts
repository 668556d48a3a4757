import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_BUDGET_BYTES, measureBundle, METAFILE_NAME, type BundleReport } from "../../scripts/bundle-size";
import { readWranglerConfig } from "../../scripts/deploy";
import { readMigrations } from "../../scripts/lib/migrations";
import { generateMasterKey, generateOperatorToken, generateSigningKeysSecret } from "../../src/secrets/generate";

/**
 * CI's deploy gate: `npm run deploy -- --dry-run` builds the production bundle with no account and no
 * network. A wrangler.toml or bundling error, a bundle over budget, or a minified bundle that does not
 * boot in workerd fails here instead of at the operator's first deploy.
 */
const production = await readWranglerConfig("production");
let outdir: string;
let run: { status: number | null; output: string };
let report: BundleReport;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), "tollgate-dry-run-"));
  const result = spawnSync("npx", ["tsx", "scripts/deploy.ts", "--dry-run", "--outdir", outdir], { encoding: "utf8" });
  run = { status: result.status, output: `${result.stdout}${result.stderr}` };
  if (result.status === 0) report = measureBundle(outdir);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("npm run deploy -- --dry-run", () => {
  it("builds the production bundle offline and exits 0", () => {
    expect(run.output).toContain("deploy --dry-run: ok");
    expect(run.status).toBe(0);
  });

  it(`stays under ${BUNDLE_BUDGET_BYTES / 1024} KiB gzipped, counting argon2id's wasm modules`, () => {
    expect(report.withinBudget).toBe(true);
    expect(report.totalGzipBytes).toBeLessThan(BUNDLE_BUDGET_BYTES);
    const wasm = report.modules.filter((m) => m.file.endsWith(".wasm"));
    expect(wasm.map((m) => m.file.replace(/^[0-9a-f]+-/, "")).sort()).toEqual(["no-simd.wasm", "simd.wasm"]);
    expect(report.totalGzipBytes).toBe(report.modules.reduce((total, m) => total + m.gzipBytes, 0));
    expect(report.dependencies.map((d) => d.name)).toEqual(
      expect.arrayContaining(["tollgate", "argon2id", "hono", "zod"]),
    );
  });

  it("exports the fetch handler and every Durable Object class the production config binds", () => {
    const metafile = JSON.parse(readFileSync(path.join(outdir, METAFILE_NAME), "utf8")) as {
      outputs: Record<string, { entryPoint?: string; exports: string[] }>;
    };
    const entry = Object.values(metafile.outputs).find((output) => output.entryPoint === "src/index.ts");
    const classes = production.durable_objects.bindings.map((binding) => binding.class_name);
    expect(entry?.exports).toEqual(expect.arrayContaining(["default", ...classes]));
  });
});

describe("the minified production bundle boots in workerd", () => {
  const secrets = async () => ({
    OPERATOR_TOKEN: generateOperatorToken(),
    JWT_SIGNING_KEYS: await generateSigningKeysSecret(),
    BYOK_MASTER_KEYS: generateMasterKey(1),
  });
  const apiHost = String(production.vars.API_HOST);

  async function boot(extra: Record<string, string>): Promise<Miniflare> {
    const files = readdirSync(outdir).filter((file) => /\.(js|wasm)$/.test(file));
    // The entry module first: Miniflare treats the first module as the Worker's main module.
    files.sort((a, b) => Number(b === "index.js") - Number(a === "index.js"));
    return new Miniflare({
      modulesRoot: outdir,
      modules: files.map((file) => ({
        type: file.endsWith(".wasm") ? "CompiledWasm" : "ESModule",
        path: path.join(outdir, file),
      })),
      compatibilityDate: production.compatibility_date,
      compatibilityFlags: production.compatibility_flags,
      bindings: { ...production.vars, ...extra },
      d1Databases: production.d1_databases.map((db) => db.binding),
      durableObjects: Object.fromEntries(
        production.durable_objects.bindings.map((b) => [b.name, { className: b.class_name, useSQLite: true }]),
      ),
    });
  }

  it("answers 500 misconfigured naming the missing secrets when none is set", async () => {
    const mf = await boot({});
    try {
      const response = await mf.dispatchFetch(`https://${apiHost}/healthz`);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status).toBe(500);
      expect(body.error.code).toBe("misconfigured");
      for (const name of ["OPERATOR_TOKEN", "JWT_SIGNING_KEYS", "BYOK_MASTER_KEYS"])
        expect(body.error.message).toContain(name);
    } finally {
      await mf.dispose();
    }
  });

  it("with its secrets: healthz, the JWKS, and an operator creating a tenant (D1 + Argon2id wasm)", async () => {
    const values = await secrets();
    const mf = await boot(values);
    try {
      const db = await mf.getD1Database("DB");
      for (const migration of readMigrations())
        for (const statement of migration.statements) await db.prepare(statement).run();

      expect((await mf.dispatchFetch(`https://${apiHost}/healthz`)).status).toBe(200);
      const jwks = (await (await mf.dispatchFetch(`https://${apiHost}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      };
      expect(jwks.keys).toHaveLength(1);

      const created = await mf.dispatchFetch(`https://${apiHost}/v1/tenants`, {
        method: "POST",
        headers: { Authorization: `Bearer ${values.OPERATOR_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Bundle smoke", plan: "pro" }),
      });
      expect(created.status).toBe(201);
      expect(((await created.json()) as { admin_credential: string }).admin_credential).toMatch(
        /^tg_admin_[0-9a-f]{32}$/,
      );
    } finally {
      await mf.dispose();
    }
  });
});
