import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import path from "node:path";

import { generateMasterKey, generateOperatorToken, generateSigningKeysSecret } from "./src/secrets/generate";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "schema/migrations"));

/** Fresh secrets for every test run: tests read them from `env`, never from a checked-in file. */
const testSecrets = {
  OPERATOR_TOKEN: generateOperatorToken(),
  JWT_SIGNING_KEYS: await generateSigningKeysSecret(),
  BYOK_MASTER_KEYS: generateMasterKey(1),
};

export default defineConfig({
  test: {
    projects: [
      {
        // Everything that runs inside workerd: unit tests of src/, Durable Objects, SELF.fetch integration.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { TEST_MIGRATIONS: migrations, ...testSecrets },
            },
          }),
        ],
        test: {
          name: "workers",
          // Concurrency tests fire hundreds of requests through one workerd on a 2-core box.
          testTimeout: 60_000,
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
          // Starts redis-server + the Upstash REST bridge and provides their URL to the Redis memory tests.
          globalSetup: ["./test/setup/redis-global.ts"],
        },
      },
      {
        // Tests that need Node: real processes (redis-server, chromium), libSQL files, the OpenAI SDK over HTTP.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
