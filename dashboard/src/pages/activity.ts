import { api } from "../api";
import { h, replace, table } from "../dom";
import { section } from "../feedback";
import { formatUsd } from "../finops-data";
import type { AuditEntry, AuditVerification, List, RequestRow } from "../types";

const LIMIT = 50;

/** Recent AI requests (metadata from the usage ledger) and the control-plane audit log with its verification. */
export async function renderActivity(main: HTMLElement): Promise<void> {
  const requests = h("section", { class: "card", "aria-labelledby": "requests-title" });
  const verification = h("div");
  const audit = h("div");
  const refresh = h("button", { type: "button" }, "Refresh");
  const load = () =>
    Promise.all([
      section(requests, async () =>
        requestTable((await api<List<RequestRow>>("GET", `/v1/audit/requests?limit=${LIMIT}`)).data),
      ),
      section(verification, async () => verificationBadge(await api<AuditVerification>("GET", "/v1/audit/verify"))),
      section(audit, async () => auditTable((await api<List<AuditEntry>>("GET", `/v1/audit?limit=${LIMIT}`)).data)),
    ]);
  refresh.addEventListener("click", () => void load());
  replace(
    main,
    h("h1", { tabindex: -1 }, "Activity"),
    refresh,
    h("h2", { id: "requests-title" }, "Recent requests"),
    requests,
    h(
      "section",
      { class: "card", "aria-labelledby": "audit-title" },
      h("h2", { id: "audit-title" }, "Audit log"),
      verification,
      audit,
    ),
  );
  await load();
}

function requestTable(rows: RequestRow[]): HTMLElement {
  return table(
    "Requests, newest first",
    ["Time", "Status", "Model", "User", "Tokens (in/out)", "Cost", "Latency", "Guardrails"],
    rows.map((row) => [
      new Date(row.created_at).toLocaleString(),
      h(
        "span",
        { class: `badge ${/^(ok|2\d\d|success|completed)$/.test(row.status) ? "active" : "suspended"}` },
        row.status,
      ),
      h("code", {}, row.model.includes("/") ? row.model : `${row.provider}/${row.model}`),
      row.user_id,
      `${row.prompt_tokens} / ${row.completion_tokens}`,
      formatUsd(row.cost_usd),
      `${row.latency_ms} ms`,
      row.guardrail_events.length ? h("code", { class: "json" }, guardrailSummary(row.guardrail_events)) : "none",
    ]),
    "no requests yet.",
  );
}

/** Events are objects such as `{ type: "pii", action: "mask", entities: [...] }`; show their kinds, compactly. */
function guardrailSummary(events: unknown[]): string {
  return events
    .map((event) => {
      if (event && typeof event === "object") {
        const record = event as Record<string, unknown>;
        return (
          [record.type ?? record.kind ?? record.guardrail, record.action ?? record.verdict]
            .filter((part) => typeof part === "string")
            .join(":") || JSON.stringify(event)
        );
      }
      return String(event);
    })
    .join(", ");
}

function verificationBadge(report: AuditVerification): HTMLElement {
  if (report.ok) {
    return h(
      "p",
      { class: "verify ok", role: "status", "data-testid": "audit-verify" },
      `✓ Hash chain verified: ${report.entries} entries intact.`,
      report.head_hash ? h("small", {}, ` Head ${report.head_hash.slice(0, 16)}…`) : null,
    );
  }
  const bad = report.first_bad;
  return h(
    "p",
    { class: "verify bad", role: "alert", "data-testid": "audit-verify" },
    `✗ Hash chain broken at entry ${bad?.seq ?? "?"} (${bad?.reason ?? "unknown"}); ${report.entries} entries verified before it.`,
  );
}

function auditTable(entries: AuditEntry[]): HTMLElement {
  return table(
    "Audit entries, newest first",
    ["#", "Time", "Actor", "Action", "Target"],
    entries.map((entry) => [
      entry.seq,
      new Date(entry.created_at).toLocaleString(),
      `${entry.actor.role} ${entry.actor.id}`,
      h("code", {}, entry.action),
      h("code", {}, entry.target),
    ]),
    "no entries yet.",
  );
}
