import uPlot from "uplot";
import { h } from "./dom";
import type { DailySeries } from "./finops-data";

/**
 * Daily spend (left axis, USD) and tokens (right axis) as a uPlot line chart, sized to its container so it
 * fits a 375 px phone. A visually hidden summary carries the same figures for screen readers.
 */
export function spendChart(series: DailySeries): HTMLElement {
  const figure = h("figure", { class: "chart", "data-testid": "spend-chart" });
  const totalCost = series.cost.reduce((a, b) => a + b, 0);
  const totalTokens = series.tokens.reduce((a, b) => a + b, 0);
  const caption = h(
    "figcaption",
    {},
    `Daily spend and tokens: $${totalCost.toFixed(6)} and ${totalTokens} tokens over ${series.days.length} days.`,
  );
  const plotHost = h("div", { class: "plot", "aria-hidden": "true" });
  figure.append(plotHost, caption);

  let drawnWidth = 0;
  const draw = () => {
    const width = Math.max(260, figure.clientWidth || 600);
    if (width === drawnWidth) return;
    drawnWidth = width;
    plotHost.replaceChildren();
    new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: true }, usd: { auto: true }, tokens: { auto: true } },
        axes: [
          {},
          { scale: "usd", values: (_u, ticks) => ticks.map(usdTick), size: 80 },
          { scale: "tokens", side: 1, grid: { show: false } },
        ],
        series: [
          { label: "Day" },
          {
            label: "Spend (USD)",
            scale: "usd",
            stroke: "#1d4ed8",
            width: 2,
            points: { show: true },
            value: (_u, v) => (v == null ? "—" : `$${v.toFixed(6)}`),
          },
          { label: "Tokens", scale: "tokens", stroke: "#b45309", width: 2, dash: [6, 4], points: { show: true } },
        ],
      },
      [series.days, series.cost, series.tokens],
      plotHost,
    );
  };
  // Drawn once attached (the observer's first call), when the figure has a width; redrawn when that changes.
  new ResizeObserver(() => requestAnimationFrame(draw)).observe(figure);
  return figure;
}

/** Tiny per-day costs (a mock request costs micro-dollars) keep two significant digits instead of rounding to $0.00. */
function usdTick(value: number): string {
  return value === 0 || Math.abs(value) >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toPrecision(2))}`;
}
