import { defineConfig } from "drizzle-kit";

// One schema for D1 and libSQL; migrations are plain SQLite applied by wrangler (D1) or scripts (libSQL).
export default defineConfig({
  dialect: "sqlite",
  schema: "./schema/index.ts",
  out: "./schema/migrations",
});
