import { api, query, request } from "../api";
import { field, h, replace, table } from "../dom";
import { busy, section } from "../feedback";
import { spendChart } from "../finops-chart";
import { budgetShares, dailySeries, formatUsd, isoDay } from "../finops-data";
import type { Budget, List, Project, UsageGroup, UsagePoint } from "../types";

interface Grouped {
  from: string;
  to: string;
  data: UsageGroup[];
}

const BREAKDOWNS = [
  { by: "project", title: "By project" },
  { by: "cost_center", title: "By cost center" },
  { by: "model", title: "By model" },
  { by: "user", title: "Top users" },
  { by: "session", title: "Top sessions" },
] as const;
const TOP = 10;

/** Token FinOps: daily spend and tokens, breakdowns, top users and sessions, budget bars, CSV export. */
export async function renderFinops(main: HTMLElement): Promise<void> {
  const from = h("input", { type: "date", name: "from", value: isoDay(-29), required: true });
  const to = h("input", { type: "date", name: "to", value: isoDay(0), required: true });
  const messages = h("div", { "aria-live": "polite" });
  const apply = h("button", { type: "submit" }, "Show");
  const exportButton = h("button", { type: "button" }, "Export CSV");
  const chart = h("div");
  const breakdowns = h("div", { class: "grid" });
  const budgets = h("section", { class: "card", "aria-labelledby": "budgets-title" });
  const controls = h("form", { class: "row end" }, field("From", from), field("To", to), apply, exportButton);

  const load = () => {
    const range = { from: from.value, to: to.value };
    void section(chart, async () => {
      const series = await api<{ data: UsagePoint[] }>("GET", `/v1/usage/timeseries${query(range)}`);
      return spendChart(dailySeries(range.from, range.to, series.data));
    });
    void section(breakdowns, async () => {
      const [projects, ...results] = await Promise.all([
        api<List<Project>>("GET", "/v1/projects"),
        ...BREAKDOWNS.map(({ by }) => api<Grouped>("GET", `/v1/usage${query({ ...range, group_by: by })}`)),
      ]);
      const names = new Map(projects.data.map((p) => [p.id, p.name]));
      return h(
        "div",
        { class: "grid" },
        BREAKDOWNS.map(({ by, title }, i) => breakdownTable(title, by, results[i]!.data.slice(0, TOP), names)),
      );
    });
  };
  controls.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  exportButton.addEventListener(
    "click",
    () => void busy(exportButton, messages, () => downloadCsv(from.value, to.value)),
  );

  replace(
    main,
    h("h1", { tabindex: -1 }, "FinOps"),
    controls,
    messages,
    h("section", { "aria-label": "Spend over time" }, chart),
    breakdowns,
    budgets,
  );
  load();
  await renderBudgets(budgets);
}

function breakdownTable(title: string, by: string, rows: UsageGroup[], projectNames: Map<string, string>): HTMLElement {
  const label = (key: string) =>
    by === "project" && projectNames.has(key)
      ? h("span", {}, projectNames.get(key)!, " ", h("code", { class: "muted" }, key))
      : h("code", {}, key);
  return table(
    title,
    [by.replace("_", " "), "Requests", "Tokens", "Cost", "Cache hits", "Saved"],
    rows.map((row) => [
      row[by] == null ? "—" : label(String(row[by])),
      row.requests,
      row.total_tokens,
      formatUsd(row.cost_usd),
      `${row.cache_hits} (${Math.round(row.cache_hit_rate * 100)}%)`,
      formatUsd(row.saved_usd),
    ]),
    "no usage in this range.",
  );
}

/** The CSV needs the credential, so it is fetched and handed to the browser as a file rather than linked. */
async function downloadCsv(from: string, to: string): Promise<void> {
  const res = await request("GET", `/v1/usage/export.csv${query({ from, to })}`);
  const url = URL.createObjectURL(await res.blob());
  const link = h("a", { href: url, download: `tollgate-usage-${from}-${to}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function renderBudgets(container: HTMLElement): Promise<void> {
  const body = h("div");
  replace(container, h("h2", { id: "budgets-title" }, "Budgets"), body);
  await section(body, async () => {
    const projects = (await api<List<Project>>("GET", "/v1/projects")).data;
    const statuses = await Promise.all(
      projects.map((p) => api<{ budgets: Budget[] }>("GET", `/v1/projects/${encodeURIComponent(p.id)}/budgets`)),
    );
    if (projects.length === 0) return h("p", { class: "empty" }, "No projects yet.");
    return h(
      "div",
      {},
      projects.map((project, i) =>
        h("div", { class: "budget-project" }, h("h3", {}, project.name), statuses[i]!.budgets.map(budgetBar)),
      ),
    );
  });
}

function budgetBar(budget: Budget): HTMLElement {
  const shares = budgetShares(budget.limit, budget.spent, budget.reserved);
  const show = (value: number | string) => (budget.unit === "usd" ? formatUsd(value) : Number(value).toLocaleString());
  const text = `${budget.name} (${budget.period} ${budget.period_key}): spent ${show(budget.spent)}, reserved ${show(budget.reserved)}, remaining ${show(budget.remaining)} of ${show(budget.limit)}`;
  // Widths through CSSOM: the page's CSP refuses style attributes.
  const spent = h("span", { class: "spent" });
  spent.style.width = `${shares.spent}%`;
  const reserved = h("span", { class: "reserved" });
  reserved.style.width = `${shares.reserved}%`;
  return h(
    "div",
    { class: "budget" },
    h("p", {}, text),
    h("div", { class: "bar", role: "img", "aria-label": text }, spent, reserved),
  );
}
