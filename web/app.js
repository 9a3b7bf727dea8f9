// SPDX-License-Identifier: MIT
// The Campaign Manager page of campaign-sync: sign-in, the campaigns with
// their counters and actions, one campaign's header and sections, and the
// routes. Routes live in the URL hash: #/ (campaigns), #/campaigns/ID (its
// sync), #/campaigns/ID/inventory, …/review, …/webhooks. The sections are
// drawn by sync.js (sync, report, history) and panels.js (inventory,
// review queue, webhooks).
import {api, getJson, getToken, setToken, clearToken, ApiError, SignedOut, setUnauthorizedHandler} from "./api.js";
import {h, replaceChildren, scrollTable, timeEl, fmtDateTime, agoEl, fmtAgo, fmtNumber, fmtDuration, fmtWhen, toLocalInput, fromLocalInput} from "./dom.js";
import {countsBar, capacityBar, seriesChart, fmtPeriod} from "./charts.js";
import {isQuiet, notify, showError, clearNotices, errorBox, loadInto, button, withButton, statusBadge, hidden,
  openDialog, confirmAction} from "./ui.js";
import {renderSyncPanel, loadHistory, loadChain, setSyncEndHandler, stopAllSyncs, forgetSync} from "./sync.js";
import {renderInventoryPanel, renderReviewPanel, renderWebhooksPanel, tickCountdown} from "./panels.js";

const main = document.getElementById("main");

// What is on screen: {page: "list"} or {page: "campaign", id, tab, campaign,
// root, header, tabs, panel}.
let view = {page: null};

// ---- Sign-in -------------------------------------------------------------

let signingIn = false;

function showAccount(signedIn) {
  document.getElementById("account").hidden = !signedIn;
}

function renderSignIn(message, isError = true) {
  showAccount(false);
  view = {page: "signin"};
  document.title = "Sign in · Campaign Manager";
  const input = h("input", {id: "token", name: "token", type: "password", required: true,
    autocomplete: "off", spellcheck: "false", "aria-describedby": "token-hint"});
  const error = h("p", {class: isError ? "form-error" : "form-info", id: "signin-message",
    role: isError ? "alert" : "status"}, message || "");
  const submit = h("button", {type: "submit", class: "primary"}, "Sign in");
  const form = h("form", {class: "form signin-form"},
    error,
    h("div", {class: "field"},
      h("label", {for: "token"}, "Admin token"),
      input,
      h("p", {class: "hint", id: "token-hint"},
        "The server's CS_ADMIN_TOKEN. It is kept in this browser tab only, and forgotten when the tab closes.")),
    h("div", {class: "actions"}, submit));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const token = input.value.trim();
    if (!token) {
      error.className = "form-error";
      error.textContent = "Enter the admin token.";
      input.focus();
      return;
    }
    withButton(submit, () => signIn(token, error));
  });
  replaceChildren(main,
    h("section", {class: "signin-page card", "aria-labelledby": "signin-title"},
      h("h1", {id: "signin-title"}, "Sign in"),
      h("p", null, "The Campaign Manager keeps your NFT campaigns in step with NMKR Studio."),
      form));
  input.focus();
}

async function signIn(token, errorEl) {
  setToken(token);
  signingIn = true;
  try {
    await getJson("/api/campaigns");
  } catch (err) {
    if (err instanceof SignedOut) return; // sign-in shown again, with the reason
    clearToken();
    errorEl.className = "form-error";
    errorEl.textContent = `Could not sign in: ${err.message}`;
    return;
  } finally {
    signingIn = false;
  }
  await route({focus: true});
}

/** Forget the token and every running stream; show sign-in with message. */
function signOut(message, isError = true) {
  clearToken();
  stopAllSyncs();
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  clearNotices();
  renderSignIn(message, isError);
}

setUnauthorizedHandler(() => {
  signOut(signingIn ? "The server did not accept this token." :
    "The server no longer accepts your admin token (it may have been changed). Sign in again.");
});

// ---- Routing -------------------------------------------------------------

const TABS = [
  {id: "sync", label: "Sync"},
  {id: "inventory", label: "Inventory"},
  {id: "review", label: "Review queue"},
  {id: "webhooks", label: "Webhooks"},
];

function parseRoute() {
  const hash = location.hash.startsWith("#/") ? location.hash : "#/";
  const [path, query = ""] = hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean);
  const params = new URLSearchParams(query);
  if (parts[0] === "campaigns" && /^[1-9][0-9]*$/.test(parts[1] || "")) {
    const tab = TABS.some((t) => t.id === parts[2]) ? parts[2] : "sync";
    return {page: "campaign", id: Number(parts[1]), tab, params};
  }
  return {page: "list", params};
}

let messageAfterNavigation = null;

/** Go to hash, then show message (the messages of the page left go). */
function go(hash, message) {
  messageAfterNavigation = message;
  location.hash = hash;
}

function campaignPath(id, tab = "sync") {
  return tab === "sync" ? `#/campaigns/${id}` : `#/campaigns/${id}/${tab}`;
}

async function route({focus = false} = {}) {
  const r = parseRoute();
  if (!getToken()) {
    renderSignIn("");
    return;
  }
  showAccount(true);
  try {
    if (r.page === "list") await showCampaignList(focus);
    else await showCampaign(r, focus);
  } catch (err) {
    if (isQuiet(err)) return;
    if (!(err instanceof ApiError)) console.error(err); // a bug of the page: say where
    replaceChildren(main, h("section", {class: "card"}, h("h1", null, "Something went wrong"),
      errorBox("this page", err, () => route())));
  }
}

/** Re-draw what is on screen after a change (no focus move). */
async function refreshView() {
  if (view.page === "list") await showCampaignList(false);
  else if (view.page === "campaign") await refreshCampaign();
}

// ---- Campaign list -------------------------------------------------------

async function showCampaignList(focus) {
  view = {page: "list"};
  document.title = "Campaigns · Campaign Manager";
  const heading = h("h1", {id: "page-title", tabindex: "-1"}, "Campaigns");
  const list = h("div", {class: "campaign-list"}, h("p", {class: "loading"}, "Loading campaigns…"));
  const newButton = button("New campaign", (ev) => openCampaignDialog(null, ev.currentTarget), {class: "primary"});
  replaceChildren(main, h("section", {class: "page", "aria-labelledby": "page-title"},
    h("div", {class: "page-head"}, heading,
      h("div", {class: "actions"}, newButton,
        button("Refresh", (ev) => withButton(ev.currentTarget, () => showCampaignList(false))))),
    list));
  if (focus) heading.focus();
  await loadInto(list, "the campaigns", () => getJson("/api/campaigns"), (campaigns) => {
    if (!campaigns.length) {
      return h("div", {class: "empty-state card"},
        h("p", null, "No campaigns yet."),
        h("p", null, "Create one with its NMKR project uid, then import its NFTs from NMKR or from a CSV export."));
    }
    return h("ul", {class: "campaign-grid", "aria-label": "Campaigns"}, campaigns.map(campaignCard));
  });
}

function counters(c) {
  return {total: c.totalNFTs, available: c.availableNFTs, reserved: c.reservedNFTs, sold: c.soldNFTs};
}

// A campaign's health as GET /api/campaigns answers it with each item:
// the same as its page's header (GET /api/campaigns/ID/health).
function cardHealth(c) {
  const hl = c.health;
  if (!hl) return null;
  const fact = (name, term, ...value) => h("div", {class: "card-fact", dataset: {fact: name}},
    h("dt", null, term), h("dd", null, ...value));
  return [
    h("p", {class: `health health-${hl.status} card-health`},
      h("span", {class: "badge"}, hl.status), " ", h("span", {class: "health-reason"}, hl.reason)),
    h("dl", {class: "card-facts"},
      fact("last-sync", "Last sync", hl.lastSyncAt ?
        [h("span", {class: `badge outcome-${hl.lastSyncStatus}`}, hl.lastSyncStatus), " ", agoEl(hl.lastSyncAt)] :
        "never synced"),
      fact("reviews", "Open reviews", hl.openReviews ?
        h("a", {href: campaignPath(c.id, "review")}, `${fmtNumber(hl.openReviews)} open`,
          hidden(` in the review queue of ${c.name}`)) : "none"),
      fact("webhook", "Webhook", hl.webhookRegistered ? "registered" :
        h("a", {href: campaignPath(c.id, "webhooks")}, "not registered", hidden(`: register ${c.name}'s`))),
      fact("network", "Network", c.network)),
  ];
}

function campaignCard(c) {
  return h("li", {class: "campaign-card card", dataset: {campaignId: c.id, health: c.health?.status || ""}},
    h("div", {class: "card-head"},
      h("h2", null, h("a", {href: campaignPath(c.id)}, c.name)),
      statusBadge(c.status)),
    c.description ? h("p", {class: "description"}, c.description) : null,
    cardHealth(c),
    countsBar(counters(c), `${c.name} inventory`),
    capacityBar(c.totalNFTs, c.maxNFTs),
    h("div", {class: "actions"}, campaignActions(c, false)));
}

/** Sync from the list: start it in the background, then follow it on the
 * campaign's page (its Sync section attaches to the running sync). */
async function syncFromCard(c) {
  try {
    const res = await api("POST", `/api/campaigns/${c.id}/sync?async=1`, {allow: [409]});
    go(campaignPath(c.id), res.status === 202 ? `Sync of ${c.name} started.` :
      res.status === 409 ? `A sync of ${c.name} was already running: following it.` :
        `${c.name} was synced less than 10 seconds ago: this is its report.`);
  } catch (err) {
    showError(err, `Could not sync ${c.name}`);
  }
}

/** Edit, activate or deactivate, delete; on the campaign page the imports too. */
function campaignActions(c, full) {
  const named = (label) => [label, hidden(` ${c.name}`)];
  const actions = [];
  if (!full) {
    actions.push(button(named("Sync"), (ev) => withButton(ev.currentTarget, () => syncFromCard(c)),
      {class: "primary", dataset: {action: "sync"}}));
  }
  actions.push(
    button(named("Edit"), (ev) => openCampaignDialog(c, ev.currentTarget), {dataset: {action: "edit"}}),
    c.status === "active" ?
      button(named("Deactivate"), (ev) => withButton(ev.currentTarget, () => setActive(c, false)),
        {dataset: {action: "active"}}) :
      button(named("Activate"), (ev) => withButton(ev.currentTarget, () => setActive(c, true)),
        {dataset: {action: "active"}}));
  if (full) {
    actions.push(
      button("Import from NMKR", (ev) => withButton(ev.currentTarget, () => importFromNmkr(c)),
        {dataset: {action: "import-nmkr"}}),
      button("Import CSV…", (ev) => openCsvDialog(c, ev.currentTarget), {dataset: {action: "import-csv"}}));
  }
  actions.push(button(named("Delete"), (ev) => deleteCampaign(c, ev.currentTarget),
    {class: "danger", dataset: {action: "delete"}}));
  return actions;
}

/** Redraw container with children, keeping the focus on the same action. */
function redrawKeepingFocus(container, ...children) {
  const focused = document.activeElement;
  const action = focused && container.contains(focused) ? focused.dataset.action : null;
  const dialogOpener = [...document.querySelectorAll("dialog")].find((d) => d.returnFocusTo &&
    container.contains(d.returnFocusTo));
  const openerAction = dialogOpener ? dialogOpener.returnFocusTo.dataset.action : null;
  replaceChildren(container, ...children);
  if (action) container.querySelector(`[data-action="${action}"]`)?.focus();
  if (openerAction) dialogOpener.returnFocusTo = container.querySelector(`[data-action="${openerAction}"]`);
}

// ---- Campaign actions ----------------------------------------------------

const campaignDialog = document.getElementById("campaign-dialog");
const campaignForm = document.getElementById("campaign-form");
const csvDialog = document.getElementById("csv-dialog");
const csvForm = document.getElementById("csv-form");

function openCampaignDialog(c, opener) {
  const f = campaignForm.elements;
  campaignForm.reset();
  document.getElementById("campaign-form-error").textContent = "";
  document.getElementById("campaign-dialog-title").textContent = c ? `Edit ${c.name}` : "New campaign";
  document.getElementById("campaign-form-submit").textContent = c ? "Save" : "Create";
  campaignForm.dataset.campaignId = c ? c.id : "";
  if (c) {
    f.name.value = c.name;
    f.description.value = c.description || "";
    f.nmkrProjectId.value = c.nmkrProjectId;
    f.network.value = c.network;
    f.maxNFTs.value = c.maxNFTs;
    f.startDate.value = toLocalInput(c.startDate);
    f.endDate.value = toLocalInput(c.endDate);
    f.reservationMinutes.value = c.reservationMinutes ?? "";
    f.allowMultiple.checked = c.allowMultiple;
  }
  openDialog(campaignDialog, opener);
  f.name.focus();
}

function campaignFormBody() {
  const f = campaignForm.elements;
  const minutes = f.reservationMinutes.value.trim();
  return {
    name: f.name.value.trim(),
    description: f.description.value.trim(),
    nmkrProjectId: f.nmkrProjectId.value.trim(),
    network: f.network.value,
    maxNFTs: Number(f.maxNFTs.value),
    startDate: fromLocalInput(f.startDate.value),
    endDate: fromLocalInput(f.endDate.value),
    reservationMinutes: minutes === "" ? null : Number(minutes),
    allowMultiple: f.allowMultiple.checked,
  };
}

campaignForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const error = document.getElementById("campaign-form-error");
  const submit = document.getElementById("campaign-form-submit");
  if (!campaignForm.reportValidity()) return;
  const body = campaignFormBody();
  if (body.startDate !== null && body.endDate !== null && body.endDate <= body.startDate) {
    error.textContent = "The end must come after the start.";
    return;
  }
  const id = campaignForm.dataset.campaignId;
  await withButton(submit, async () => {
    try {
      const res = id ? await api("PATCH", `/api/campaigns/${id}`, {json: body}) :
        await api("POST", "/api/campaigns", {json: body});
      campaignDialog.close();
      if (id) {
        notify(`Saved ${res.body.name}.`);
        await refreshView();
      } else {
        go(campaignPath(res.body.id), `Created ${res.body.name}. Import its NFTs next.`);
      }
    } catch (err) {
      if (err instanceof SignedOut) return;
      error.textContent = err.message;
    }
  });
});

async function setActive(c, active) {
  try {
    await api("POST", `/api/campaigns/${c.id}/${active ? "activate" : "deactivate"}`);
    notify(`${c.name} is now ${active ? "active" : "inactive"}.`);
  } catch (err) {
    showError(err, `Could not ${active ? "activate" : "deactivate"} ${c.name}`);
  }
  await refreshView();
}

function importMessage(c, r) {
  const parts = [`Imported ${fmtNumber(r.inserted)} new NFTs into ${c.name}`];
  if (r.inserted > 0 && r.firstNumber) parts[0] += ` (#${r.firstNumber}–#${r.lastNumber})`;
  const skipped = [];
  if (r.skippedExisting) skipped.push(`${fmtNumber(r.skippedExisting)} already there`);
  if (r.skippedNotForSale) skipped.push(`${fmtNumber(r.skippedNotForSale)} not for sale`);
  return `${parts[0]}${skipped.length ? `; skipped ${skipped.join(", ")}` : ""}.`;
}

async function importFromNmkr(c) {
  try {
    const res = await api("POST", `/api/campaigns/${c.id}/import`, {json: {source: "nmkr"}});
    notify(importMessage(c, res.body));
  } catch (err) {
    showError(err, `Import from NMKR into ${c.name} failed`);
  }
  await refreshView();
}

function openCsvDialog(c, opener) {
  csvForm.reset();
  csvForm.dataset.campaignId = c.id;
  csvForm.dataset.campaignName = c.name;
  document.getElementById("csv-dialog-title").textContent = `Import a CSV file into ${c.name}`;
  document.getElementById("csv-form-error").textContent = "";
  openDialog(csvDialog, opener);
  csvForm.elements.file.focus();
}

csvForm.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const error = document.getElementById("csv-form-error");
  const file = csvForm.elements.file.files[0];
  if (!file) {
    error.textContent = "Choose the CSV file to import.";
    return;
  }
  const c = {id: csvForm.dataset.campaignId, name: csvForm.dataset.campaignName};
  await withButton(csvForm.querySelector("[type=submit]"), async () => {
    try {
      const text = await file.text();
      const res = await api("POST", `/api/campaigns/${c.id}/import`, {text, contentType: "text/csv"});
      csvDialog.close();
      notify(importMessage(c, res.body));
      await refreshView();
    } catch (err) {
      if (err instanceof SignedOut) return;
      error.textContent = err.message;
    }
  });
});

function deleteCampaign(c, opener) {
  confirmAction({
    title: `Delete ${c.name}?`,
    text: `This deletes the campaign and its ${fmtNumber(c.totalNFTs)} NFTs from this server, ` +
      "with their history. NMKR Studio is not changed.",
    okLabel: "Delete",
    opener,
    run: async (ctx) => {
      const res = await api("DELETE", `/api/campaigns/${c.id}${ctx.data.force ? "?force=1" : ""}`, {allow: [409]});
      if (res.status === 409) {
        const e = res.body && res.body.error ? res.body.error : {};
        if (e.code !== "has_sales") throw new ApiError(409, e.code || "conflict", e.message || "Refused");
        ctx.data.force = true;
        ctx.setError(`${c.name} has sold NFTs, so the server kept it. Deleting it anyway also deletes ` +
          `the record of who bought them. (The server said: ${e.message})`);
        ctx.setOk("Delete anyway");
        return false;
      }
      const done = `Deleted ${c.name} and its ${fmtNumber(res.body.nfts)} NFTs.`;
      forgetSync(c.id);
      if (view.page === "campaign") {
        go("#/", done);
      } else {
        notify(done);
        await refreshView();
      }
      return true;
    },
  });
}

// ---- One campaign --------------------------------------------------------

async function showCampaign(r, focus) {
  const same = view.page === "campaign" && view.id === r.id && view.root && view.root.isConnected;
  if (!same) {
    const header = h("header", {class: "campaign-head card", "aria-busy": "true"},
      h("h1", {id: "page-title", tabindex: "-1"}, `Campaign ${r.id}`), h("p", {class: "loading"}, "Loading…"));
    const tabs = h("nav", {class: "tabs", "aria-label": "Campaign sections"});
    const panel = h("div", {class: "panel", id: "panel"});
    const root = h("div", {class: "page"},
      h("nav", {class: "breadcrumb", "aria-label": "Breadcrumb"},
        h("a", {href: "#/"}, "Campaigns"), h("span", {"aria-hidden": "true"}, " › "),
        h("span", {"aria-current": "page", id: "crumb-name"}, `Campaign ${r.id}`)),
      header, tabs, panel);
    replaceChildren(main, root);
    view = {page: "campaign", id: r.id, tab: r.tab, root, header, tabs, panel, campaign: null, reviewCount: null};
    try {
      await refreshCampaign({panel: false});
    } catch (err) {
      if (isQuiet(err) || view.root !== root) return;
      replaceChildren(header, h("h1", {id: "page-title", tabindex: "-1"}, `Campaign ${r.id}`),
        errorBox("this campaign", err, () => route()));
      header.removeAttribute("aria-busy");
      tabs.remove();
      panel.remove();
      if (focus) header.querySelector("h1").focus();
      return;
    }
    if (view.root !== root) return; // left for another page meanwhile
    if (focus) header.querySelector("h1").focus();
  }
  view.tab = r.tab;
  renderTabs();
  renderPanel(r.params);
  document.title = `${view.campaign.name}: ${TABS.find((t) => t.id === r.tab).label} · Campaign Manager`;
  if (focus && same) view.panel.querySelector("h2")?.focus();
}

/** Fetch the campaign, its health and review count; redraw the header. */
async function refreshCampaign({panel = true} = {}) {
  const id = view.id;
  const [c, health, review] = await Promise.all([
    getJson(`/api/campaigns/${id}`),
    getJson(`/api/campaigns/${id}/health`).catch((err) => (isQuiet(err) ? Promise.reject(err) : {error: err})),
    getJson(`/api/campaigns/${id}/review?limit=1`).catch((err) => (isQuiet(err) ? Promise.reject(err) : null)),
  ]);
  if (view.page !== "campaign" || view.id !== id) return;
  view.campaign = c;
  view.reviewCount = review ? review.total : null;
  renderCampaignHeader(c, health);
  renderTabs();
  document.getElementById("crumb-name").textContent = c.name;
  if (!panel) return;
  if (view.tab === "sync") loadHistory(id);
  else renderPanel((parseRoute() || {params: new URLSearchParams()}).params);
}

function fact(term, ...value) {
  return h("div", {class: "fact"}, h("dt", null, term), h("dd", null, ...value));
}

// What NMKR last said of each campaign's webhook, so that redrawing the
// header (after every sync) shows it at once: text that grows a moment
// later moves every button below it under the operator's pointer.
const webhookSeen = new Map();

// The Webhook fact: what we hold, then what NMKR says about it (GET
// /api/campaigns/ID/webhook compares the secrets; neither is ever sent here).
function webhookFact(c) {
  const dd = h("dd", {class: "webhook-status"},
    !c.webhookConfigured ? "not registered" : webhookSeen.get(c.id) || "registered");
  if (c.webhookConfigured) {
    getJson(`/api/campaigns/${c.id}/webhook`).then((s) => {
      const text = !s.listed ? "not listed at NMKR: register again" :
        !s.secretMatches ? "stale secret: register again to adopt NMKR's" :
        !s.active ? "registered, inactive at NMKR" : "registered, secret matches NMKR's";
      webhookSeen.set(c.id, text);
      const now = document.querySelector(".webhook-status");
      if (now && view.campaign?.id === c.id && now.textContent !== text) now.textContent = text;
    }).catch(() => {});
  } else {
    webhookSeen.delete(c.id);
  }
  return h("div", {class: "fact"}, h("dt", null, "Webhook"), dd);
}

function healthBadge(health) {
  if (!health || health.error) {
    return h("p", {class: "health health-unknown"}, "Health unknown",
      health && health.error ? `: ${health.error.message}` : "");
  }
  return h("p", {class: `health health-${health.status}`, id: "sync-health"},
    h("span", {class: "badge"}, health.status), " ",
    h("span", {class: "health-label"}, "Health: "), health.reason,
    health.lastSuccessAt ? [" · last success ", timeEl(health.lastSuccessAt)] : null);
}

function renderCampaignHeader(c, health) {
  const header = view.header;
  const start = c.startDate ? fmtWhen(c.startDate) : "open";
  const end = c.endDate ? fmtWhen(c.endDate) : "open";
  redrawKeepingFocus(header,
    h("div", {class: "card-head"},
      h("h1", {id: "page-title", tabindex: "-1"}, c.name),
      statusBadge(c.status)),
    c.description ? h("p", {class: "description"}, c.description) : null,
    healthBadge(health),
    h("div", {class: "head-grid"},
      h("div", {class: "head-counters"},
        h("h2", {class: "visually-hidden"}, "Counters"),
        countsBar(counters(c), `${c.name} inventory`),
        capacityBar(c.totalNFTs, c.maxNFTs)),
      h("dl", {class: "facts"},
        h("div", {class: "fact fact-wide"}, h("dt", null, "NMKR project"),
          h("dd", {class: "mono"}, c.nmkrProjectId)),
        fact("Network", c.network),
        fact("Sale window", `${start} – ${end}`),
        fact("Reservations", c.reservationMinutes ? `${c.reservationMinutes} min` : "NMKR project's time"),
        fact("Per wallet", c.allowMultiple ? "several NFTs" : "one NFT"),
        fact("Allow-list", c.hasAllowlist ? "yes" : "none"),
        webhookFact(c),
        fact("Last synced", timeEl(c.lastSyncedAt)))),
    h("div", {class: "actions"}, campaignActions(c, true)));
  header.removeAttribute("aria-busy");
}

/** The section links; updated in place, so that focus stays on them. */
function renderTabs() {
  if (!view.tabs.firstChild) {
    view.tabs.append(h("ul", null, TABS.map((t) => h("li", null,
      h("a", {href: campaignPath(view.id, t.id), dataset: {tab: t.id}})))));
  }
  for (const t of TABS) {
    const link = view.tabs.querySelector(`a[data-tab="${t.id}"]`);
    if (t.id === view.tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
    const label = t.id === "review" && view.reviewCount ? [t.label, " ", h("span", {class: "count-pill"},
      String(view.reviewCount)), hidden(" open")] : [t.label];
    if (link.textContent !== label.map((x) => (typeof x === "string" ? x : x.textContent)).join("")) {
      replaceChildren(link, label);
    }
  }
}

function renderPanel(params) {
  const c = view.campaign;
  const panel = view.panel;
  const ctx = {
    path: campaignPath(c.id, view.tab),
    // After a change the section made: the header (and the section) anew.
    afterChange: (options) => refreshCampaign(options),
  };
  panel.replaceChildren();
  panel.dataset.tab = view.tab;
  if (view.tab === "sync") {
    renderSyncPanel(panel, c);
    renderSeries(panel, c);
    renderAlerts(panel, c);
  }
  else if (view.tab === "inventory") renderInventoryPanel(panel, c, params, ctx);
  else if (view.tab === "review") renderReviewPanel(panel, c, params, ctx);
  else renderWebhooksPanel(panel, c, ctx);
}

// ---- Pictures: sales and the counts over time ----------------------------

/** Beside the sync history: the campaign over time from its status history
 * (GET /api/campaigns/ID/series), as a chart and as a table. */
function renderSeries(panel, c) {
  const body = h("div", {id: "series-body"}, h("p", {class: "loading"}, "Loading…"));
  panel.append(h("section", {class: "card", id: "series-section", "aria-labelledby": "series-title"},
    h("h2", {id: "series-title"}, "Sales and inventory over time"), body));
  loadSeries(c.id);
}

function loadSeries(id) {
  const body = document.getElementById("series-body");
  if (!body) return;
  loadInto(body, "the sales over time", () => getJson(`/api/campaigns/${id}/series`), (s) => {
    if (!s.points.length) return h("p", {class: "empty"}, "No sale or status change yet.");
    const rows = s.points.slice().reverse().map((p) => h("tr", null,
      h("td", null, fmtDateTime(p.at)),
      h("td", {class: "num"}, fmtNumber(p.sales)),
      h("td", {class: "num"}, fmtNumber(p.available)),
      h("td", {class: "num"}, fmtNumber(p.reserved)),
      h("td", {class: "num"}, fmtNumber(p.sold))));
    return [
      h("p", {class: "intro"}, `Per period of ${fmtPeriod(s.periodMs)}, from ${fmtNumber(s.changes)} status ` +
        "changes. NFTs imported available count as available from the first change on."),
      h("div", {class: "chart-box", role: "region", tabindex: "0", "aria-label": "Sales and inventory chart"},
        seriesChart(s.points, s.periodMs)),
      h("ul", {class: "chart-legend"},
        h("li", {class: "key-sales"}, h("span", {class: "swatch", "aria-hidden": "true"}), "sales"),
        ["available", "reserved", "sold"].map((st) => h("li", {class: `legend-${st}`},
          h("span", {class: "swatch", "aria-hidden": "true"}), st))),
      h("details", {class: "series-details"},
        h("summary", null, s.points.length === 1 ? "The period as a table" : `The ${s.points.length} periods as a table`),
        scrollTable("Sales and counts per period, newest first",
          ["Period from", "#Sales", "#Available", "#Reserved", "#Sold"], rows, {class: "series"})),
    ];
  });
}

// ---- Alerts sent to CS_ALERT_WEBHOOK ----------------------------------------

const CAUSES = {sync_failed: "sync failed", new_reviews: "new review items",
  webhooks_silent: "NMKR webhooks silent"};

/** The alerts sent about the campaign (GET /api/campaigns/ID/alerts),
 * newest first, delivered or not (and why). */
function renderAlerts(panel, c) {
  const body = h("div", {id: "alerts-body"}, h("p", {class: "loading"}, "Loading…"));
  panel.append(h("section", {class: "card", id: "alerts-section", "aria-labelledby": "alerts-title"},
    h("h2", {id: "alerts-title"}, "Alerts sent"), body));
  loadAlerts(c.id);
}

function loadAlerts(id) {
  const body = document.getElementById("alerts-body");
  if (!body) return;
  loadInto(body, "the alerts", () => getJson(`/api/campaigns/${id}/alerts?limit=10`), (alerts) => {
    if (!alerts.length) {
      return h("p", {class: "empty"}, "No alert sent about this campaign. The server sends one to " +
        "CS_ALERT_WEBHOOK when a sync fails, review items come in, or sales go on without NMKR's webhooks.");
    }
    return scrollTable(`The last ${alerts.length === 1 ? "alert" : `${alerts.length} alerts`}, newest first`,
      ["Sent", "Cause", "Message", "Delivered"], alerts.map((a) => h("tr", {class: "alert-row",
        dataset: {cause: a.cause, delivered: String(a.delivered)}},
      h("td", null, timeEl(a.sentAt)),
      h("td", null, CAUSES[a.cause] || a.cause),
      h("td", {class: "alert-text"}, a.text),
      h("td", null, a.delivered ? "yes" : h("span", {class: "badge badge-error", title: a.error || ""},
        `no: ${a.error || "not delivered"}`)))), {class: "alerts"});
  });
}

// After a sync: the counters, health, review count, history and chain
// coverage are new.
setSyncEndHandler((id) => {
  if (view.page === "campaign" && view.id === id) {
    refreshCampaign({panel: false}).then(() => { loadHistory(id); loadChain(id); loadSeries(id); loadAlerts(id); })
      .catch((err) => showError(err, "Could not refresh the campaign"));
  }
});

// ---- Start ---------------------------------------------------------------

function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll(".countdown")) tickCountdown(el, now);
  for (const el of document.querySelectorAll(".elapsed-time")) {
    el.textContent = fmtDuration(now - Number(el.dataset.since));
  }
  for (const el of document.querySelectorAll("time.ago")) {
    const text = fmtAgo(Number(el.dataset.at), now);
    if (el.textContent !== text) el.textContent = text;
  }
}

async function showServer() {
  const el = document.getElementById("server-status");
  try {
    const s = await getJson("/healthz");
    el.textContent = `${s.database}, schema ${s.schemaVersion}`;
  } catch (err) {
    el.textContent = "server unreachable";
  }
}

function start() {
  document.getElementById("sign-out").addEventListener("click", () => signOut("You are signed out.", false));
  document.getElementById("skip-link").addEventListener("click", (ev) => {
    ev.preventDefault();
    (document.getElementById("page-title") || main).focus();
  });
  window.addEventListener("hashchange", () => {
    clearNotices();
    if (messageAfterNavigation) notify(messageAfterNavigation);
    messageAfterNavigation = null;
    route({focus: true});
  });
  window.addEventListener("unhandledrejection", (ev) => {
    if (isQuiet(ev.reason)) {
      ev.preventDefault();
      return;
    }
    showError(ev.reason instanceof Error ? ev.reason : new Error(String(ev.reason)), "Unexpected error");
  });
  window.addEventListener("error", (ev) => showError(ev.error || new Error(ev.message), "Unexpected error"));
  setInterval(tick, 1000);
  showServer();
  route();
}

start();
