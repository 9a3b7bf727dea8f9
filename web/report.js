// SPDX-License-Identifier: MIT
// The SyncReport (docs/openapi.yaml#/components/schemas/SyncReport) as the
// operator reads it: NMKR and the database before and after the sync side
// by side, discrepancies grouped by issue with whole counts, then filtered,
// sorted by NFT number and paged (50 rows) with their CSV, updates,
// warnings one line per reason, errors, webhook activity, chain results and
// the time of each phase. A failed sync's report leads with what failed
// and what to check.
import {h, scrollTable, uniqueId, timeEl, fmtDuration, fmtNumber, shortUid} from "./dom.js";
import {countsBar} from "./charts.js";
import {download} from "./api.js";
import {button, withButton, showError} from "./ui.js";

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
function statsCard(title, cls, stats, other, otherName) {
  const id = uniqueId("stats");
  return h("section", {class: `stats-card ${cls}`, "aria-labelledby": id},
    h("h4", {id}, title),
    h("dl", {class: "stats"}, STATS.map((key) => {
      const differs = stats[key] !== other[key];
      return h("div", {class: differs ? "stat differs" : "stat", dataset: {stat: key}},
        h("dt", null, key[0].toUpperCase() + key.slice(1)),
        h("dd", null, fmtNumber(stats[key]),
          differs ? h("span", {class: "differs-mark", title: `differs from ${otherName}`},
            h("span", {"aria-hidden": "true"}, " ≠"), h("span", {class: "visually-hidden"}, ` (differs from ${otherName})`)) : null));
    })),
    countsBar(stats, title));
}

/**
 * The database after the sync: the report's dbStatsAfter, or (a report of
 * an older server) the counts before plus the updates applied, when it
 * lists them all; null when neither is known.
 */
function dbAfter(report) {
  if (report.dbStatsAfter) return report.dbStatsAfter;
  if (report.dryRun || report.updateResults.length < (report.updatedCount ?? 0)) return null;
  const after = {...report.dbStats};
  for (const u of report.updateResults) {
    if (!u.success || !(u.oldStatus in after) || !(u.newStatus in after)) continue;
    after[u.oldStatus] -= 1;
    after[u.newStatus] += 1;
  }
  return after;
}

/** NMKR, the database before the sync, and after it. */
function statsPart(report) {
  const after = dbAfter(report);
  return h("div", {class: after ? "side-by-side three" : "side-by-side"},
    statsCard("NMKR", "stats-nmkr", report.nmkrStats, after || report.dbStats, "NMKR"),
    statsCard("Database before the sync", "stats-db", report.dbStats, report.nmkrStats, "NMKR"),
    after ? statsCard(report.dryRun ? "Database after (planned)" : "Database after the sync", "stats-db-after",
      after, report.nmkrStats, "NMKR") : null);
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

const PAGE_ROWS = 50;

/** The NFT's number: the report names NFTs "Name #12"; null if none. */
function nftNumber(d) {
  const m = /(\d+)\D*$/.exec(d.nftName || "");
  return m ? Number(m[1]) : null;
}

function byNumber(a, b) {
  const x = nftNumber(a);
  const y = nftNumber(b);
  if (x !== y) return x === null ? 1 : y === null ? -1 : x - y;
  return String(a.nftUid).localeCompare(String(b.nftUid));
}

/**
 * A table shown PAGE_ROWS rows at a time, with Previous and Next and
 * "Rows 1–50 of 300". rowOf(item) makes a row; setItems(list) shows a new
 * list from its first page.
 */
function pagedTable(caption, headers, rowOf, attrs, label) {
  let items = [];
  let start = 0;
  const tbody = h("tbody");
  const table = scrollTable(caption, headers, [], attrs);
  table.querySelector("tbody").replaceWith(tbody);
  const info = h("span", {class: "page-info", "aria-live": "polite"});
  const prev = h("button", {type: "button", class: "pager-prev"}, "Previous", h("span", {class: "visually-hidden"}, ` ${PAGE_ROWS} ${label}`));
  const next = h("button", {type: "button", class: "pager-next"}, "Next", h("span", {class: "visually-hidden"}, ` ${PAGE_ROWS} ${label}`));
  const pager = h("nav", {class: "pager", "aria-label": `Pages of ${label}`}, prev, info, next);
  const paint = () => {
    const shown = items.slice(start, start + PAGE_ROWS);
    tbody.replaceChildren(...shown.map(rowOf));
    info.textContent = items.length ?
      `Rows ${fmtNumber(start + 1)}–${fmtNumber(start + shown.length)} of ${fmtNumber(items.length)}` : "No rows";
    prev.disabled = start === 0;
    next.disabled = start + PAGE_ROWS >= items.length;
    pager.hidden = items.length <= PAGE_ROWS;
  };
  // A button that turns disabled drops the keyboard focus: it goes to
  // the other one.
  prev.addEventListener("click", () => {
    start = Math.max(0, start - PAGE_ROWS);
    paint();
    if (prev.disabled) next.focus();
  });
  next.addEventListener("click", () => {
    start += PAGE_ROWS;
    paint();
    if (next.disabled) prev.focus();
  });
  return {
    element: h("div", {class: "paged"}, table, pager),
    setItems(list) {
      items = list;
      start = 0;
      paint();
    },
  };
}

/** Where a cut list's whole is: the CSV, the review queue, the history. */
function truncatedNote(listed, total, options, what) {
  if (total <= listed) return null;
  return h("p", {class: "note truncated"},
    `This report keeps the first ${fmtNumber(listed)} of ${fmtNumber(total)} ${what}. `,
    "Every NFT kept or sent for review is in ",
    options.campaignId ? h("a", {href: `#/campaigns/${options.campaignId}/review`}, "the review queue") : "the review queue",
    ", and every change in each NFT's status history.");
}

function csvButton(report, options) {
  if (!report.syncLogId) return null;
  return button(["Download CSV", h("span", {class: "visually-hidden"}, " of the discrepancies")], async (ev) => {
    await withButton(ev.currentTarget, () => download(`/api/sync-logs/${report.syncLogId}/discrepancies.csv`,
      `sync-${report.syncLogId}-discrepancies.csv`).catch((err) => showError(err, "The CSV")));
  }, {class: "download-csv", id: "discrepancies-csv"});
}

function discrepanciesPart(report, options) {
  const list = [...report.discrepancies].sort(byNumber);
  const total = discrepancyCount(report);
  if (!total) return subsection("Discrepancies", 0, empty("NMKR and the database agree on every NFT."));

  // Whole counts per issue (issueCounts); a report of an older server
  // counts its list.
  const counts = report.issueCounts || list.reduce((acc, d) => ({...acc, [d.issue]: (acc[d.issue] || 0) + 1}), {});
  const issues = ISSUES.filter((i) => counts[i]).concat(Object.keys(counts).filter((i) => !ISSUES.includes(i)));
  const groups = h("ul", {class: "issue-groups"}, issues.map((i) =>
    h("li", {dataset: {issue: i}}, h("strong", {class: "issue-count"}, fmtNumber(counts[i])), ` × ${i}`)));

  const issueId = uniqueId("issue");
  const textId = uniqueId("search");
  const select = h("select", {id: issueId, name: "issue"},
    h("option", {value: ""}, `All issues (${fmtNumber(list.length)})`),
    issues.map((i) => h("option", {value: i}, `${i} (${fmtNumber(list.filter((d) => d.issue === i).length)})`)));
  const search = h("input", {id: textId, name: "q", type: "search", placeholder: "Name, uid or status",
    autocomplete: "off"});
  const shown = h("p", {class: "filter-count", "aria-live": "polite"});
  const paged = pagedTable("NFTs whose status differs between NMKR and the database, by NFT number",
    ["NFT", "UID", "Issue", "Database", "NMKR"],
    (d) => h("tr", {dataset: {issue: d.issue, uid: d.nftUid}},
      h("td", null, d.nftName || "—"),
      h("td", {class: "mono", title: d.nftUid}, shortUid(d.nftUid)),
      h("td", null, d.issue),
      h("td", null, statusBadge(d.dbStatus)),
      h("td", null, statusBadge(d.nmkrStatus))),
    {class: "discrepancies"}, "discrepancies");

  const apply = () => {
    const issue = select.value;
    const q = search.value.trim().toLowerCase();
    const match = list.filter((d) => (!issue || d.issue === issue) &&
      (!q || `${d.nftName} ${d.nftUid} ${d.dbStatus} ${d.nmkrStatus}`.toLowerCase().includes(q)));
    shown.textContent = match.length === list.length ? `Showing all ${fmtNumber(match.length)}.` :
      `Showing ${fmtNumber(match.length)} of ${fmtNumber(list.length)}.`;
    paged.setItems(match);
  };
  select.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
  return subsection("Discrepancies", total, groups,
    truncatedNote(list.length, total, options, "discrepancies in its list (the counts above are whole); the CSV holds the same"),
    h("div", {class: "filters", role: "search", "aria-label": "Filter discrepancies"},
      h("div", {class: "field"}, h("label", {for: issueId}, "Issue"), select),
      h("div", {class: "field"}, h("label", {for: textId}, "Search"), search),
      h("div", {class: "field field-action"}, csvButton(report, options))),
    shown, paged.element);
}

function updatesPart(report, options) {
  const list = report.updateResults;
  const total = (report.updatedCount ?? 0) + (report.failedCount ?? 0);
  if (!list.length) return subsection("Updates", 0, empty("No NFT needed a change."));
  const paged = pagedTable("Status changes the sync applied", ["NFT", "From", "To", "Result"],
    (u) => h("tr", {class: u.success ? null : "row-error"},
      h("td", null, u.nftName),
      h("td", null, statusBadge(u.oldStatus)),
      h("td", null, statusBadge(u.newStatus)),
      h("td", null, u.success ? "applied" : h("span", {class: "error-text"}, `failed: ${u.error || "unknown error"}`))),
    {class: "updates"}, "updates");
  paged.setItems([...list].sort((a, b) => byNumber(a, b)));
  return subsection("Updates", Math.max(total, list.length),
    truncatedNote(list.length, total, options, "updates"), paged.element);
}

// "300 NFTs: sold here, reserved in NMKR: kept, see the review queue (first:
// …)": the sync's one line per reason (service/sync.c, warn_groups).
const GROUPED = /^(\d+) NFTs: (.*?) \(first: .*\)$/;

/**
 * A warning as one line: a group as "300 × reason", its words "review
 * queue" (or an arrow after it) a link to the campaign's review queue.
 */
function warningItem(w, options) {
  const m = GROUPED.exec(w);
  if (!m) return h("li", null, w);
  const reason = m[2];
  const at = reason.lastIndexOf("review queue");
  const link = (text) => h("a", {href: `#/campaigns/${options.campaignId}/review`}, text);
  let body = [` × ${reason}`];
  if (at >= 0 && options.campaignId) {
    body = [` × ${reason.slice(0, at)}`, link("review queue"), reason.slice(at + "review queue".length)];
  } else if (/review/.test(reason) && options.campaignId) {
    body.push(" → ", link("review queue"));
  }
  return h("li", {class: "warning-group", title: w}, h("strong", null, fmtNumber(Number(m[1]))), body);
}

function conflictsPart(conflicts, warnings, options, conflictCount = conflicts.length) {
  const parts = [];
  if (conflicts.length) {
    parts.push(truncatedNote(conflicts.length, conflictCount, options, "NFTs that changed during the sync"));
    const paged = pagedTable("NFTs that changed during the sync (left as they were)",
      ["NFT", "UID", "Wanted", "Reason"],
      (c) => h("tr", null, h("td", null, c.nftName),
        h("td", {class: "mono", title: c.nftUid}, shortUid(c.nftUid)),
        h("td", null, statusBadge(c.wanted)), h("td", null, c.reason)), {}, "conflicts");
    paged.setItems([...conflicts].sort(byNumber));
    parts.push(paged.element);
  }
  if (warnings.length) {
    parts.push(h("ul", {class: "warnings"}, warnings.map((w) => warningItem(w, options))));
  }
  if (!parts.length) parts.push(empty("No conflicts and no warnings."));
  return subsection("Conflicts and warnings", Math.max(conflictCount ?? 0, conflicts.length) + warnings.length,
    ...parts);
}

function errorsPart(errors) {
  if (!errors.length) return subsection("Errors", 0, empty("No errors."));
  return subsection("Errors", errors.length,
    h("ul", {class: "errors"}, errors.map((e) => h("li", null, e))));
}

/** What an operator checks for an error of a failed sync. */
function adviceFor(error) {
  const e = String(error);
  if (/HTTP 40[13]\b/.test(e)) {
    return "NMKR refused the API key: check NMKR_API_KEY on this server (a key of the project's NMKR account, " +
      "not expired, with the project's rights).";
  }
  if (/HTTP 404\b/.test(e)) {
    return "NMKR does not know the project: check the campaign's NMKR project uid against NMKR Studio, " +
      "and NMKR_API_URL (mainnet or preprod).";
  }
  if (/HTTP 429\b|rate limit/i.test(e)) return "NMKR limited the requests: wait a minute and sync again.";
  if (/HTTP 5\d\d\b/.test(e)) return "NMKR answered with a server error: look at NMKR's status page, then sync again.";
  if (/connect|resolve|timed? ?out|unreachable|refused|network|circuit/i.test(e)) {
    return "NMKR could not be reached: check NMKR_API_URL, this server's network and DNS, and NMKR's status page.";
  }
  if (/interrupt|taken over|stopp/i.test(e)) return "The sync was stopped before its end: sync again.";
  return null;
}

/** A failed sync leads with what failed and what to check. */
function failurePart(report) {
  const errors = report.errors || [];
  const advice = [...new Set(errors.map(adviceFor).filter(Boolean))];
  return h("div", {class: "error-box sync-failed", role: "group", "aria-label": "What failed"},
    h("p", null, h("strong", null, "The sync failed: nothing was changed."),
      " A sync whose fetch from NMKR fails writes nothing to the database."),
    h("p", {class: "failure-what"}, "What failed:"),
    h("ul", {class: "errors"}, (errors.length ? errors : ["no error was recorded"]).map((e) => h("li", null, e))),
    h("p", {class: "failure-what"}, "What to check:"),
    h("ul", {class: "advice"}, (advice.length ? advice :
      ["The server's log (campaign-sync serve) for this sync, NMKR_API_URL and NMKR_API_KEY, then sync again."])
      .map((a) => h("li", null, a))));
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
    // A failed sync compared nothing: what failed comes first, and no
    // counts or tables of zeros.
    report.success ? null : failurePart(report),
    h("p", {class: "report-meta"},
      "Started ", timeEl(report.syncedAt), `, took ${fmtDuration(report.durationMs)}`,
      report.syncLogId ? `, log #${report.syncLogId}` : "", ".",
      report.success ? ` ${fmtNumber(report.updatedCount)} updated, ${fmtNumber(report.failedCount)} failed, ` +
        `${fmtNumber(discrepancyCount(report))} discrepancies.` : ""),
    modeLine(report),
    options.note || null,
    report.success ? [
      statsPart(report),
      discrepanciesPart(report, options),
      updatesPart(report, options),
      conflictsPart(report.conflicts || [], report.warnings || [], options, report.conflictCount),
      errorsPart(report.errors || []),
    ] : null,
    report.success || (report.recentWebhooks || []).length ? webhooksPart(report.recentWebhooks || []) : null,
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
