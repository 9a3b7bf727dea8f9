// SPDX-License-Identifier: MIT
// Bars, the sync history chart and the campaign over time, drawn as inline SVG by the script (no
// library, no inline styles: colours come from classes in style.css).
import {h, svg, fmtDuration, fmtNumber, fmtWhen, fmtDateTime} from "./dom.js";

const STATES = ["available", "reserved", "sold"];

/**
 * The counters of a campaign (or one side of a sync report) as one stacked
 * bar: available, reserved and sold of the total, with a legend in text.
 */
export function countsBar(counts, label) {
  const total = counts.total || 0;
  const described = `${label}: ${fmtNumber(total)} NFTs, ` +
    STATES.map((s) => `${fmtNumber(counts[s] || 0)} ${s}`).join(", ");
  const bar = svg("svg", {class: "bar", viewBox: "0 0 100 10", preserveAspectRatio: "none",
    role: "img", "aria-label": described});
  bar.append(svg("rect", {class: "bar-track", x: 0, y: 0, width: 100, height: 10}));
  let x = 0;
  for (const state of STATES) {
    const n = counts[state] || 0;
    if (total <= 0 || n <= 0) continue;
    const w = (n / total) * 100;
    bar.append(svg("rect", {class: `bar-${state}`, x: x.toFixed(3), y: 0,
      width: w.toFixed(3), height: 10}, svg("title", null, `${fmtNumber(n)} ${state}`)));
    x += w;
  }
  const legend = h("ul", {class: "legend"},
    h("li", {class: "legend-total", dataset: {state: "total"}},
      h("span", {class: "legend-count"}, fmtNumber(total)), " NFTs:"),
    STATES.map((s) => h("li", {class: `legend-${s}`, dataset: {state: s}},
      h("span", {class: "swatch", "aria-hidden": "true"}),
      h("span", {class: "legend-count"}, fmtNumber(counts[s] || 0)), ` ${s}`)));
  return h("div", {class: "counts"}, bar, legend);
}

/** How full a campaign is: its NFTs of maxNFTs. */
export function capacityBar(total, max) {
  const pct = max > 0 ? Math.min(100, (total / max) * 100) : 0;
  const text = max > 0 ? `${fmtNumber(total)} of ${fmtNumber(max)} max NFTs` : `${fmtNumber(total)} NFTs, no maximum`;
  const bar = svg("svg", {class: "bar bar-thin", viewBox: "0 0 100 10", preserveAspectRatio: "none",
    role: "img", "aria-label": `Capacity: ${text}`},
    svg("rect", {class: "bar-track", x: 0, y: 0, width: 100, height: 10}),
    svg("rect", {class: total > max && max > 0 ? "bar-over" : "bar-capacity", x: 0, y: 0,
      width: pct.toFixed(3), height: 10}));
  return h("div", {class: "capacity"}, bar, h("p", {class: "capacity-text"}, text));
}

/**
 * The sync history: one column per sync, oldest on the left; duration on
 * top, discrepancies below. points: [{id, at, status, durationMs,
 * discrepancies}]. Failed and partial syncs are coloured by class.
 */
export function historyChart(points) {
  const n = points.length;
  const left = 56;
  const right = 8;
  const slot = 30;
  const W = Math.max(320, left + right + n * slot);
  const H = 220;
  const panelH = 70;
  const topY = 22;
  const bottomY = topY + panelH + 42;
  const barW = 20;
  const maxDur = Math.max(1, ...points.map((p) => p.durationMs || 0));
  const maxDisc = Math.max(1, ...points.map((p) => p.discrepancies || 0));

  const titleId = `chart-title-${Math.random().toString(36).slice(2)}`;
  const descId = `${titleId}-desc`;
  const chart = svg("svg", {class: "history-chart", viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
    "aria-labelledby": `${titleId} ${descId}`},
    svg("title", {id: titleId}, "Sync history"),
    svg("desc", {id: descId}, `${n} syncs, oldest first. Longest took ${fmtDuration(maxDur)}; ` +
      `at most ${fmtNumber(points.reduce((m, p) => Math.max(m, p.discrepancies || 0), 0))} discrepancies.`));

  const panel = (y, label, maxLabel, value, max, cls) => {
    chart.append(
      svg("text", {class: "chart-label", x: 0, y: y - 8}, label),
      svg("line", {class: "chart-axis", x1: left, y1: y + panelH, x2: left + n * slot, y2: y + panelH}),
      svg("line", {class: "chart-grid", x1: left, y1: y, x2: left + n * slot, y2: y}),
      svg("text", {class: "chart-tick", x: left - 6, y: y + 4, "text-anchor": "end"}, maxLabel),
      svg("text", {class: "chart-tick", x: left - 6, y: y + panelH + 4, "text-anchor": "end"}, "0"));
    points.forEach((p, i) => {
      const v = value(p);
      const bh = v === null ? 0 : Math.max(v > 0 ? 1.5 : 0, (v / max) * panelH);
      const x = left + i * slot + (slot - barW) / 2;
      chart.append(svg("rect", {class: `${cls} status-${p.status}`, x: x.toFixed(2),
        y: (y + panelH - bh).toFixed(2), width: barW.toFixed(2), height: bh.toFixed(2)},
        svg("title", null, `${fmtDateTime(p.at)} (${p.status}): ${v === null ? "no report" :
          cls === "chart-duration" ? fmtDuration(v) : `${v} discrepancies`}`)));
    });
  };
  panel(topY, "Duration", fmtDuration(maxDur), (p) => p.durationMs, maxDur, "chart-duration");
  panel(bottomY, "Discrepancies", fmtNumber(maxDisc), (p) => p.discrepancies, maxDisc, "chart-discrepancies");
  if (n > 0) {
    chart.append(
      svg("text", {class: "chart-tick", x: left, y: H - 2}, fmtWhen(points[0].at)),
      n * slot > 160 ? svg("text", {class: "chart-tick", x: left + n * slot, y: H - 2, "text-anchor": "end"},
        fmtWhen(points[n - 1].at)) : null);
  }
  return chart;
}

/**
 * The campaign over time (GET /api/campaigns/ID/series): one column per
 * period, oldest on the left; sales on top, available / reserved / sold
 * at the period's end stacked below. points: [{at, sales, available,
 * reserved, sold}]; periodMs names the period in the description.
 */
export function seriesChart(points, periodMs) {
  const n = points.length;
  const left = 56;
  const right = 8;
  const slot = n > 30 ? 14 : 24;
  const barW = slot - 4;
  const W = Math.max(320, left + right + n * slot);
  const H = 230;
  const panelH = 70;
  const topY = 22;
  const bottomY = topY + panelH + 42;
  const maxSales = Math.max(1, ...points.map((p) => p.sales));
  const maxTotal = Math.max(1, ...points.map((p) => p.available + p.reserved + p.sold));
  const totalSales = points.reduce((s, p) => s + p.sales, 0);
  const last = points[n - 1] || {available: 0, reserved: 0, sold: 0};
  const titleId = `chart-title-${Math.random().toString(36).slice(2)}`;
  const descId = `${titleId}-desc`;
  const chart = svg("svg", {class: "series-chart", viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
    "aria-labelledby": `${titleId} ${descId}`},
    svg("title", {id: titleId}, "Sales and inventory over time"),
    svg("desc", {id: descId}, `${n} periods of ${fmtPeriod(periodMs)}, oldest first: ${fmtNumber(totalSales)} sales; ` +
      `now ${fmtNumber(last.available)} available, ${fmtNumber(last.reserved)} reserved, ${fmtNumber(last.sold)} sold.`));
  const axes = (y, label, maxLabel) => chart.append(
    svg("text", {class: "chart-label", x: 0, y: y - 8}, label),
    svg("line", {class: "chart-axis", x1: left, y1: y + panelH, x2: left + n * slot, y2: y + panelH}),
    svg("line", {class: "chart-grid", x1: left, y1: y, x2: left + n * slot, y2: y}),
    svg("text", {class: "chart-tick", x: left - 6, y: y + 4, "text-anchor": "end"}, maxLabel),
    svg("text", {class: "chart-tick", x: left - 6, y: y + panelH + 4, "text-anchor": "end"}, "0"));
  axes(topY, "Sales per period", fmtNumber(maxSales));
  axes(bottomY, "Inventory at period end", fmtNumber(maxTotal));
  points.forEach((p, i) => {
    const x = (left + i * slot + (slot - barW) / 2).toFixed(2);
    const when = fmtDateTime(p.at);
    const sh = p.sales > 0 ? Math.max(1.5, (p.sales / maxSales) * panelH) : 0;
    chart.append(svg("rect", {class: "chart-sales", x, y: (topY + panelH - sh).toFixed(2), width: barW,
      height: sh.toFixed(2)}, svg("title", null, `${when}: ${fmtNumber(p.sales)} sales`)));
    let y = bottomY + panelH;
    for (const state of STATES) {
      const bh = (p[state] / maxTotal) * panelH;
      if (bh <= 0) continue;
      y -= bh;
      chart.append(svg("rect", {class: `bar-${state}`, x, y: y.toFixed(2), width: barW, height: bh.toFixed(2)},
        svg("title", null, `${when}: ${fmtNumber(p[state])} ${state}`)));
    }
  });
  if (n > 0) {
    chart.append(
      svg("text", {class: "chart-tick", x: left, y: H - 2}, fmtWhen(points[0].at)),
      n * slot > 160 ? svg("text", {class: "chart-tick", x: left + n * slot, y: H - 2, "text-anchor": "end"},
        fmtWhen(points[n - 1].at)) : null);
  }
  return chart;
}

/** "an hour", "6 hours", "a day", "a week", "30 days", "a year". */
export function fmtPeriod(ms) {
  const hour = 3600000;
  const names = {[hour]: "an hour", [6 * hour]: "6 hours", [24 * hour]: "a day", [168 * hour]: "a week",
    [720 * hour]: "30 days", [8760 * hour]: "a year"};
  return names[ms] || fmtDuration(ms);
}
