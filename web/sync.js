// SPDX-License-Identifier: MIT
// The Sync section of a campaign: the Sync button (one sync at a time; the
// server answers a press within 10 s of the last sync with that sync's
// report), the live progress read from the server's event stream, the
// report, and the history of syncs as a chart.
import {api, getJson, readEventStream, ApiError, SignedOut} from "./api.js";
import {h, replaceChildren, scrollTable, timeEl, fmtNumber, fmtDuration, fmtWhen} from "./dom.js";
import {historyChart} from "./charts.js";
import {renderReport, reportSummary} from "./report.js";
import {isQuiet, loadInto, button, hidden} from "./ui.js";

// Per campaign: {running, progress, report, reportTitle, reportSeq, note,
// error, loaded, controller, startedAt}.
const syncs = new Map();

function syncState(id) {
  if (!syncs.has(id)) {
    syncs.set(id, {running: false, progress: null, report: null, reportTitle: "", reportSeq: 0,
      note: null, error: null, loaded: false, controller: null, startedAt: null, never: false});
  }
  return syncs.get(id);
}

const PHASES = [
  {id: "fetch", label: "Fetch from NMKR"},
  {id: "compare", label: "Compare"},
  {id: "apply", label: "Apply updates"},
  {id: "webhooks", label: "Webhook activity"},
  {id: "record", label: "Record the log"},
];

export function renderSyncPanel(panel, c) {
  const s = syncState(c.id);
  const syncButton = h("button", {type: "button", class: "primary sync-button", id: "sync-button",
    "aria-describedby": "sync-status", onclick: () => startSync(c.id)}, "Sync");
  // The default sync reads only the lists NMKR's counts call for; a full
  // walk reads every page (the only one that sees an NFT NMKR replaced).
  const fullButton = h("button", {type: "button", class: "sync-button", id: "sync-full-button",
    "aria-describedby": "sync-status", title: "Read every page of the NMKR project, not only the lists its counts call for",
    onclick: () => startSync(c.id, {force: true, full: true})}, "Full walk");
  panel.append(
    h("section", {class: "card sync-card", id: "sync-section", "aria-labelledby": "sync-title",
      dataset: {campaignId: c.id}},
      h("div", {class: "panel-head"}, h("h2", {id: "sync-title", tabindex: "-1"}, "Sync with NMKR"),
        h("div", {class: "actions"}, syncButton, fullButton)),
      h("p", {class: "intro"}, "Compares every NFT of the NMKR project with this server's inventory and applies " +
        "NMKR's states. A sale always wins; a sale here is never undone without review."),
      h("div", {class: "sync-progress", id: "sync-progress"}),
      h("div", {id: "sync-note"})),
    h("div", {id: "sync-report", class: "sync-report"}),
    h("section", {class: "card", id: "chain-section", "aria-labelledby": "chain-title"},
      h("h2", {id: "chain-title"}, "On chain"),
      h("div", {id: "chain-body"}, h("p", {class: "loading"}, "Loading…"))),
    h("section", {class: "card", id: "sync-history", "aria-labelledby": "history-title"},
      h("h2", {id: "history-title"}, "Sync history"),
      h("div", {id: "history-body"}, h("p", {class: "loading"}, "Loading…"))));
  paintSync(c.id, true);
  if (!s.loaded && !s.running) attachToLatest(c.id);
  loadHistory(c.id);
  loadChain(c.id);
}

/**
 * The background verifier's coverage (GET /api/campaigns/{id}/chain): "1,980
 * of 2,000 sales verified, oldest pending 3 min", and the mismatches and
 * errors to look at.
 */
export function loadChain(id) {
  const body = document.getElementById("chain-body");
  if (body === null) return;
  loadInto(body, "the chain coverage", () => getJson(`/api/campaigns/${id}/chain`), (cov) => {
    const problems = cov.mismatch + cov.errors;
    const summary = h("p", {class: problems ? "chain-summary chain-problem" : "chain-summary", id: "chain-summary"},
      cov.summary);
    if (!cov.problems.length) return summary;
    const rows = cov.problems.map((p) => h("tr", null,
      h("td", null, p.nftName),
      h("td", null, h("span", {class: `badge chain-${p.status}`}, p.status)),
      h("td", null, timeEl(p.checkedAt)),
      h("td", null, p.message)));
    return h("div", null, summary,
      scrollTable("Sales to look at: minted by another transaction, or a failed check",
        ["NFT", "Result", "Checked", "Message"], rows, {class: "chain-problems"}));
  });
}

/** Is the sync section of campaign id on screen? */
function syncPanelShown(id) {
  const section = document.getElementById("sync-section");
  return section !== null && section.dataset.campaignId === String(id);
}

let onSyncEnd = () => {};

/** What to do when a sync shown here ends (fn(campaignId)). */
export function setSyncEndHandler(fn) {
  onSyncEnd = fn;
}

/** Stop following every sync (signing out). */
export function stopAllSyncs() {
  for (const s of syncs.values()) s.controller?.abort();
  syncs.clear();
}

/** Forget a campaign's sync state (it was deleted). */
export function forgetSync(id) {
  syncs.get(id)?.controller?.abort();
  syncs.delete(id);
}

function paintSync(id, redrawReport = false) {
  if (!syncPanelShown(id)) return;
  const s = syncState(id);
  const btn = document.getElementById("sync-button");
  btn.disabled = s.running;
  btn.textContent = s.running ? "Syncing…" : "Sync";
  document.getElementById("sync-full-button").disabled = s.running;
  paintProgress(id);
  paintNote(id);
  const box = document.getElementById("sync-report");
  const key = `${s.reportSeq}:${s.never}`;
  if (redrawReport || box.dataset.key !== key) {
    box.dataset.key = key;
    if (s.report) box.replaceChildren(renderReport(s.report, {title: s.reportTitle, campaignId: id}));
    else if (s.never) box.replaceChildren(h("p", {class: "card empty"}, "This campaign has not been synced yet."));
    else box.replaceChildren();
  }
}

function paintProgress(id) {
  if (!syncPanelShown(id)) return;
  const s = syncState(id);
  const box = document.getElementById("sync-progress");
  const p = s.progress;
  if (!s.running) {
    box.removeAttribute("aria-busy");
    let text = "";
    if (s.error) text = `The sync did not finish: ${s.error.message}`;
    else if (s.report && s.reportSeq > 0 && s.reportTitle !== "Last sync") text = reportSummary(s.report);
    replaceChildren(box, h("p", {class: s.error ? "sync-status error-text" : "sync-status", id: "sync-status",
      role: "status"}, text));
    return;
  }
  box.setAttribute("aria-busy", "true");
  const phase = p ? p.phase : "start";
  const index = PHASES.findIndex((x) => x.id === phase);
  const fetching = phase === "fetch" && p && p.total > 0;
  let text = "Starting the sync…";
  if (phase === "fetch") text = fetching ? `Fetching NFTs from NMKR: page ${p.done} of ${p.total}` : "Asking NMKR for the project's counts…";
  else if (index >= 0) text = `${PHASES[index].label}…`;
  const bar = h("progress", {id: "sync-bar", "aria-label": "Sync progress"});
  if (fetching) {
    bar.max = p.total;
    bar.value = p.done;
  } else if (index > 0) {
    bar.max = 1; // the pages are in: the other steps take moments
    bar.value = 1;
  }
  const old = document.getElementById("sync-status");
  const status = old && old.textContent === text ? old :
    h("p", {class: "sync-status", id: "sync-status", role: "status"}, text);
  replaceChildren(box,
    status,
    bar,
    h("p", {class: "elapsed"}, "Running for ", h("span", {class: "elapsed-time", dataset: {since: s.startedAt || Date.now()}},
      fmtDuration(Date.now() - (s.startedAt || Date.now())))),
    h("ol", {class: "phase-steps", "aria-label": "Steps"}, PHASES.map((x, i) => h("li", {
      class: i < index ? "done" : i === index ? "current" : "todo",
      "aria-current": i === index ? "step" : null}, x.label, i < index ? hidden(" (done)") : null))));
}

function paintNote(id) {
  if (!syncPanelShown(id)) return;
  const s = syncState(id);
  const box = document.getElementById("sync-note");
  if (!s.note) {
    box.replaceChildren();
    return;
  }
  replaceChildren(box, h("div", {class: "note"},
    h("p", null, s.note.text),
    s.note.force ? button("Sync now anyway", () => startSync(id, {force: true}), {id: "sync-force"}) : null));
}

function setReport(s, report, title) {
  s.report = report;
  s.reportTitle = title;
  s.reportSeq += 1;
  s.never = false;
}

/** Press Sync: start (or, debounced, show the last report), then follow. */
async function startSync(id, {force = false, full = false} = {}) {
  const s = syncState(id);
  if (s.running) return; // one at a time: the button is disabled meanwhile
  const previous = s.controller;
  s.controller = null;
  if (previous) previous.abort();
  Object.assign(s, {running: true, progress: null, note: null, error: null, loaded: true, never: false,
    startedAt: Date.now()});
  paintSync(id);
  try {
    const res = await api("POST", `/api/campaigns/${id}/sync?async=1${force ? "&force=1" : ""}${full ? "&full=1" : ""}`,
      {allow: [409]});
    if (res.status === 202) {
      await followSync(id, "Report of the sync just run");
    } else if (res.status === 409) {
      s.note = {text: "A sync of this campaign was already running (from the schedule or another window); following it."};
      if (res.body && res.body.running) s.startedAt = res.body.running.startedAt;
      paintNote(id);
      await followSync(id, "Report of the sync just run");
    } else if (res.headers.get("X-Sync-Debounced") === "true") {
      setReport(s, res.body, "Report of the last sync");
      s.note = {text: "The last sync finished less than 10 seconds ago, so the server answered with its report " +
        "instead of syncing again.", force: true};
    } else {
      setReport(s, res.body, "Report of the sync just run");
    }
  } catch (err) {
    if (err instanceof SignedOut) return;
    if (err.name !== "AbortError") s.error = err;
  } finally {
    if (syncs.get(id) === s) {
      s.running = false;
      paintSync(id);
      onSyncEnd(id);
    }
  }
}

/** Follow the campaign's latest run on the event stream until its report. */
async function followSync(id, title) {
  const s = syncState(id);
  const controller = new AbortController();
  s.controller = controller;
  let ended = false;
  await readEventStream(`/api/campaigns/${id}/sync/events`, (ev) => {
    let data = null;
    try {
      data = JSON.parse(ev.data);
    } catch {
      data = null;
    }
    if (ev.event === "progress" && data) {
      s.progress = data;
      paintProgress(id);
    } else if (ev.event === "report" && data) {
      setReport(s, data, title);
      ended = true;
    } else if (ev.event === "done" || ev.event === "error" || ev.event === "bye") {
      s.error = new Error(data && data.message ? data.message :
        ev.event === "bye" ? "the server closed the progress stream" : "the sync ended without a report");
      ended = true;
    } else if (ev.event === "idle") {
      s.never = true;
      ended = true;
    }
  }, controller.signal);
  if (s.controller === controller) s.controller = null;
  if (!ended) {
    throw new ApiError(0, "stream", "the progress stream ended before the report came. " +
      "The sync may still be running: press Sync to follow it again.");
  }
}

/** On opening the panel: show the last report, or follow a running sync. */
async function attachToLatest(id) {
  const s = syncState(id);
  s.loaded = true;
  const controller = new AbortController();
  s.controller = controller;
  let wasRunning = false;
  try {
    await readEventStream(`/api/campaigns/${id}/sync/events`, (ev) => {
      if (s.controller !== controller) return;
      let data = null;
      try {
        data = JSON.parse(ev.data);
      } catch {
        data = null;
      }
      if (ev.event === "progress" && data) {
        if (data.finishedAt === null) {
          wasRunning = true;
          s.running = true;
          s.startedAt = data.startedAt;
          s.progress = data;
          paintSync(id);
        }
      } else if (ev.event === "report" && data) {
        setReport(s, data, wasRunning ? "Report of the sync just run" : "Last sync");
      } else if (ev.event === "idle") {
        s.never = true;
      }
    }, controller.signal);
  } catch (err) {
    if (!isQuiet(err) && s.controller === controller) s.error = err;
  } finally {
    if (s.controller === controller) {
      s.controller = null;
      s.running = false;
      paintSync(id);
      if (wasRunning) onSyncEnd(id);
    }
  }
}


export async function loadHistory(id) {
  const body = document.getElementById("history-body");
  if (!body) return;
  await loadInto(body, "the sync history",
    () => getJson(`/api/sync-logs?campaign=${id}&withData=1&limit=60`),
    (logs) => {
      const runs = logs.filter((l) => l.syncType !== "webhook").slice(0, 20).reverse();
      if (!runs.length) return h("p", {class: "empty"}, "No syncs yet.");
      const points = runs.map((l) => ({
        id: l.id,
        at: l.syncStartedAt,
        status: l.status,
        type: l.syncType,
        durationMs: l.syncedData && typeof l.syncedData.durationMs === "number" ? l.syncedData.durationMs :
          l.syncCompletedAt - l.syncStartedAt,
        discrepancies: l.syncedData && Array.isArray(l.syncedData.discrepancies) ? l.syncedData.discrepancies.length : null,
        updated: l.syncedData ? l.syncedData.updatedCount : l.recordsSynced,
        report: l.syncedData && Array.isArray(l.syncedData.discrepancies) ? l.syncedData : null,
      }));
      const rows = points.slice().reverse().map((p) => h("tr", null,
        h("td", null, timeEl(p.at)),
        h("td", null, p.type === "api_pull" ? "scheduled" : "manual"),
        h("td", null, h("span", {class: `badge outcome-${p.status}`}, p.status)),
        h("td", {class: "num"}, fmtDuration(p.durationMs)),
        h("td", {class: "num"}, p.discrepancies === null ? "—" : fmtNumber(p.discrepancies)),
        h("td", {class: "num"}, fmtNumber(p.updated)),
        h("td", null, p.report ? button(["Show report", hidden(` of ${fmtWhen(p.at)}`)], () => {
          const s = syncState(id);
          setReport(s, p.report, `Report of the sync at ${fmtWhen(p.at)}`);
          s.note = null;
          paintSync(id);
          document.querySelector("#sync-report h3")?.setAttribute("tabindex", "-1");
          document.querySelector("#sync-report h3")?.focus();
        }) : "—")));
      return [
        h("div", {class: "chart-box", role: "region", tabindex: "0", "aria-label": "Sync history chart"},
          historyChart(points)),
        h("div", null,
          h("ul", {class: "chart-legend"},
            h("li", {class: "key-success"}, h("span", {class: "swatch", "aria-hidden": "true"}), "success"),
            h("li", {class: "key-partial"}, h("span", {class: "swatch", "aria-hidden": "true"}), "partial"),
            h("li", {class: "key-failed"}, h("span", {class: "swatch", "aria-hidden": "true"}), "failed"))),
        h("details", {class: "history-details"}, h("summary", null, points.length === 1 ? "The sync as a table" : `The last ${points.length} syncs as a table`),
          scrollTable("Syncs of this campaign, newest first",
            ["Started", "Kind", "Outcome", "Duration", "Discrepancies", "Updated", "Report"], rows)),
      ];
    });
}

