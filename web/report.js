// SPDX-License-Identifier: MIT
// The SyncReport (docs/openapi.yaml#/components/schemas/SyncReport) as the
// operator reads it: NMKR and the database side by side, discrepancies
// (filterable), updates, conflicts and warnings, errors, webhook activity,
// chain results and the time of each phase.
import {h, scrollTable, uniqueId, timeEl, fmtDuration, fmtNumber, shortUid} from "./dom.js";
import {countsBar} from "./charts.js";

const STATS = ["total", "available", "reserved", "sold"];
const ISSUES = ["Status mismatch", "Not found in NMKR", "Not in database", "Unsupported NMKR state"];

function statusBadge(status) {
  if (status === null || status === undefined) return h("span", {class: "muted"}, "—");
  return h("span", {class: `badge badge-${status}`}, status);
}

function outcomeBadge(report) {
  const outcome = !report.success ? "failed" :
    report.failedCount > 0 || report.errors.length > 0 ? "partial" : "success";
  return h("span", {class: `badge outcome-${outcome}`}, outcome);
}

/** One side of the comparison: NMKR's or the database's counts. */
function statsCard(title, cls, stats, other) {
  const id = uniqueId("stats");
  return h("section", {class: `stats-card ${cls}`, "aria-labelledby": id},
    h("h4", {id}, title),
    h("dl", {class: "stats"}, STATS.map((key) => {
      const differs = stats[key] !== other[key];
      return h("div", {class: differs ? "stat differs" : "stat", dataset: {stat: key}},
        h("dt", null, key[0].toUpperCase() + key.slice(1)),
        h("dd", null, fmtNumber(stats[key]),
          differs ? h("span", {class: "differs-mark", title: "differs from the other side"},
            h("span", {"aria-hidden": "true"}, " ≠"), h("span", {class: "visually-hidden"}, " (differs)")) : null));
    })),
    countsBar(stats, title));
}

function subsection(title, count, ...content) {
  const id = uniqueId("sub");
  return h("section", {class: "report-part", "aria-labelledby": id},
    h("h4", {id}, title, count === null ? null : h("span", {class: "count"}, ` (${fmtNumber(count)})`)),
    ...content);
}

/** How many discrepancies the sync found (its list may be cut). */
function discrepancyCount(report) {
  return report.discrepancyCount ?? report.discrepancies.length;
}

function empty(text) {
  return h("p", {class: "empty"}, text);
}

function discrepanciesPart(list, total = list.length) {
  const rows = list.map((d) => h("tr", {dataset: {issue: d.issue, uid: d.nftUid}},
    h("td", null, d.nftName || "—"),
    h("td", {class: "mono", title: d.nftUid}, shortUid(d.nftUid)),
    h("td", null, d.issue),
    h("td", null, statusBadge(d.dbStatus)),
    h("td", null, statusBadge(d.nmkrStatus))));
  if (!list.length) return subsection("Discrepancies", 0, empty("NMKR and the database agree on every NFT."));

  const issueId = uniqueId("issue");
  const textId = uniqueId("search");
  const issues = ISSUES.filter((i) => list.some((d) => d.issue === i))
    .concat([...new Set(list.map((d) => d.issue))].filter((i) => !ISSUES.includes(i)));
  const select = h("select", {id: issueId, name: "issue"},
    h("option", {value: ""}, `All issues (${list.length})`),
    issues.map((i) => h("option", {value: i}, `${i} (${list.filter((d) => d.issue === i).length})`)));
  const search = h("input", {id: textId, name: "q", type: "search", placeholder: "Name, uid or status",
    autocomplete: "off"});
  const shown = h("p", {class: "filter-count", "aria-live": "polite"});
  const table = scrollTable("NFTs whose status differs between NMKR and the database",
    ["NFT", "UID", "Issue", "Database", "NMKR"], rows, {class: "discrepancies"});

  const apply = () => {
    const issue = select.value;
    const q = search.value.trim().toLowerCase();
    let n = 0;
    list.forEach((d, i) => {
      const text = `${d.nftName} ${d.nftUid} ${d.dbStatus} ${d.nmkrStatus}`.toLowerCase();
      const visible = (!issue || d.issue === issue) && (!q || text.includes(q));
      rows[i].hidden = !visible;
      if (visible) n += 1;
    });
    shown.textContent = n === list.length ? `Showing all ${n}.` : `Showing ${n} of ${list.length}.`;
  };
  select.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
  // A report lists the first 1,000 of each kind (the counts are whole).
  const cut = total > list.length ? h("p", {class: "note truncated"},
    `The report lists the first ${fmtNumber(list.length)} of ${fmtNumber(total)}; `,
    "the review queue and each NFT's history hold them all.") : null;
  return subsection("Discrepancies", total, cut,
    h("div", {class: "filters", role: "search", "aria-label": "Filter discrepancies"},
      h("div", {class: "field"}, h("label", {for: issueId}, "Issue"), select),
      h("div", {class: "field"}, h("label", {for: textId}, "Search"), search)),
    shown, table);
}

function updatesPart(list) {
  if (!list.length) return subsection("Updates", 0, empty("No NFT needed a change."));
  return subsection("Updates", list.length, scrollTable("Status changes the sync applied",
    ["NFT", "From", "To", "Result"],
    list.map((u) => h("tr", {class: u.success ? null : "row-error"},
      h("td", null, u.nftName),
      h("td", null, statusBadge(u.oldStatus)),
      h("td", null, statusBadge(u.newStatus)),
      h("td", null, u.success ? "applied" : h("span", {class: "error-text"}, `failed: ${u.error || "unknown error"}`)))),
    {class: "updates"}));
}

function conflictsPart(conflicts, warnings) {
  const parts = [];
  if (conflicts.length) {
    parts.push(scrollTable("NFTs that changed during the sync (left as they were)",
      ["NFT", "UID", "Wanted", "Reason"],
      conflicts.map((c) => h("tr", null, h("td", null, c.nftName),
        h("td", {class: "mono", title: c.nftUid}, shortUid(c.nftUid)),
        h("td", null, statusBadge(c.wanted)), h("td", null, c.reason)))));
  }
  if (warnings.length) {
    parts.push(h("ul", {class: "warnings"}, warnings.map((w) => h("li", null, w))));
  }
  if (!parts.length) parts.push(empty("No conflicts and no warnings."));
  return subsection("Conflicts and warnings", conflicts.length + warnings.length, ...parts);
}

function errorsPart(errors) {
  if (!errors.length) return subsection("Errors", 0, empty("No errors."));
  return subsection("Errors", errors.length,
    h("ul", {class: "errors"}, errors.map((e) => h("li", null, e))));
}

function webhooksPart(list) {
  if (!list.length) return subsection("Webhook activity", 0, empty("No webhooks from NMKR recently."));
  return subsection("Webhook activity", list.length, scrollTable("Recent webhooks from NMKR for this project",
    ["Received", "Status", "NFTs", "Errors"],
    list.map((w) => h("tr", null, h("td", null, timeEl(w.timestamp)),
      h("td", null, h("span", {class: `badge outcome-${w.status}`}, w.status)),
      h("td", {class: "num"}, fmtNumber(w.recordsSynced)),
      h("td", null, (w.errors || []).join("; ") || "—")))));
}

function chainPart(report) {
  const counts = h("ul", {class: "chain-counts"},
    h("li", {class: "chain-verified", dataset: {chain: "verified"}}, h("strong", null, fmtNumber(report.verifiedCount)), " verified"),
    h("li", {class: "chain-pending", dataset: {chain: "pending"}}, h("strong", null, fmtNumber(report.pendingCount)), " pending"),
    h("li", {class: "chain-error", dataset: {chain: "error"}}, h("strong", null, fmtNumber(report.errorCount)), " errors"),
    report.mismatchCount ? h("li", {class: "chain-mismatch", dataset: {chain: "mismatch"}},
      h("strong", null, fmtNumber(report.mismatchCount)), " minted by another transaction") : null);
  const list = report.blockchainResults;
  const body = list.length ? scrollTable("Sold NFTs checked on chain (Blockfrost)",
    ["NFT", "UID", "Result", "Message", "Held by"],
    list.map((b) => h("tr", null, h("td", null, b.nftName),
      h("td", {class: "mono", title: b.nftUid}, shortUid(b.nftUid)),
      h("td", null, h("span", {class: `badge chain-${b.status}`}, b.status)),
      h("td", null, b.message),
      h("td", {class: "mono"}, (b.currentAddresses || []).map((a) => h("div", {title: a}, shortUid(a))))))) :
    empty("No NFT was checked on chain in this sync.");
  return subsection("Chain verification", null, counts, body);
}

function phasesPart(phases) {
  const entries = Object.entries(phases || {});
  if (!entries.length) return null;
  return h("p", {class: "phases"}, "Time per step: ",
    entries.map(([k, v], i) => [i ? ", " : "", h("span", {class: "phase-time"}, `${k} ${fmtDuration(v)}`)]));
}

/**
 * The report as a section. options.title names it ("Report of the sync
 * just run", "Last sync", …); options.note is an element shown under it.
 */
export function renderReport(report, options = {}) {
  const id = uniqueId("report");
  return h("section", {class: "report", id: "report", "aria-labelledby": id, dataset: {syncLogId: report.syncLogId ?? ""}},
    h("div", {class: "report-head"},
      h("h3", {id}, options.title || "Sync report"),
      outcomeBadge(report),
      report.dryRun ? h("span", {class: "badge"}, "dry run") : null),
    h("p", {class: "report-meta"},
      "Started ", timeEl(report.syncedAt), `, took ${fmtDuration(report.durationMs)}`,
      report.syncLogId ? `, log #${report.syncLogId}` : "", ". ",
      `${fmtNumber(report.updatedCount)} updated, ${fmtNumber(report.failedCount)} failed, `,
      `${fmtNumber(discrepancyCount(report))} discrepancies.`),
    modeLine(report),
    options.note || null,
    report.success ? null : h("div", {class: "error-box sync-failed"},
      h("p", null, h("strong", null, "The sync failed: nothing was changed."),
        " A sync whose fetch from NMKR fails writes nothing to the database."),
      h("ul", {class: "errors"}, (report.errors || []).map((e) => h("li", null, e)))),
    // A failed sync compared nothing: its counts and lists are empty.
    report.success ? [
      h("div", {class: "side-by-side"},
        statsCard("NMKR", "stats-nmkr", report.nmkrStats, report.dbStats),
        statsCard("Database", "stats-db", report.dbStats, report.nmkrStats)),
      discrepanciesPart(report.discrepancies, discrepancyCount(report)),
      updatesPart(report.updateResults),
      conflictsPart(report.conflicts || [], report.warnings || []),
      errorsPart(report.errors || []),
    ] : null,
    webhooksPart(report.recentWebhooks || []),
    report.success ? chainPart(report) : null,
    phasesPart(report.phases));
}

/** Which mode ran, why, and what it cost in NMKR requests. */
function modeLine(report) {
  if (!report.mode) return null;
  const sent = report.nmkrRequests ? `, ${fmtNumber(report.nmkrRequests.sent)} NMKR requests` : "";
  const label = report.mode === "smart" ? "Smart sync (the state lists its counts call for)" : "Full walk";
  return h("p", {class: "report-meta report-mode", id: "report-mode"},
    `${label}: ${report.modeWhy}${sent}.`);
}

/** A short text of a report, for the live region: "Sync done: 2 updated, …". */
export function reportSummary(report) {
  if (!report.success) return `Sync failed: ${(report.errors || [])[0] || "see the report"}.`;
  return `Sync done in ${fmtDuration(report.durationMs)}: ${report.updatedCount} updated, ` +
    `${discrepancyCount(report)} discrepancies, ${report.failedCount} failed.`;
}
