import { runRetention, type RetentionReport } from "./run";

/**
 * The cron entry (wrangler.toml `[triggers] crons`): one retention run, then one JSON log line with counts
 * only. Awaited rather than left to waitUntil, so a failed run shows as a failed cron invocation.
 */
export async function scheduledRetention(
  controller: Pick<ScheduledController, "scheduledTime" | "cron">,
  env: Env,
): Promise<RetentionReport> {
  const report = await runRetention(env, { now: controller.scheduledTime });
  console.log(
    JSON.stringify({ level: report.failed > 0 ? "warn" : "info", msg: "retention", cron: controller.cron, ...report }),
  );
  return report;
}
