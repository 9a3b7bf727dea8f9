// SPDX-License-Identifier: MIT
// The other sections of a campaign: the inventory (status filter, paging,
// live reservation countdowns, buyers and sale times), the review queue
// (with its resolve actions) and the webhooks received. Each gets ctx:
// {path: its address, afterChange(options): redraw the campaign}.
import {api, getJson, download, ApiError} from "./api.js";
import {h, replaceChildren, scrollTable, uniqueId, timeEl, fmtNumber, fmtClock, shortUid} from "./dom.js";
import {openNftDrawer} from "./nft.js";
import {isQuiet, notify, showError, loadInto, button, withButton, statusBadge, hidden, confirmAction} from "./ui.js";

// ---- Inventory -----------------------------------------------------------

const PAGE_SIZES = [25, 50, 100];

function shortAddress(a) {
  return a && a.length > 24 ? `${a.slice(0, 12)}…${a.slice(-6)}` : a;
}

function countdown(until) {
  const el = h("span", {class: "countdown", dataset: {until}});
  tickCountdown(el, Date.now());
  return el;
}

export function tickCountdown(el, now) {
  const left = Number(el.dataset.until) - now;
  const text = left > 0 ? `${fmtClock(left)} left` : `expired ${fmtClock(-left)} ago`;
  if (el.textContent !== text) el.textContent = text;
  el.classList.toggle("expired", left <= 0);
}

// A row opens the NFT's drawer: a click (not on its pay link) or Enter when
// the row has the focus; the drawer gives the focus back to the row.
function nftRow(n) {
  const reserved = n.status === "reserved";
  const open = (row) => openNftDrawer(n.nftUid, n.name, row);
  return h("tr", {class: "nft-row", tabindex: "0", dataset: {uid: n.nftUid, status: n.status, number: n.nftNumber},
    title: `Open ${n.name}: its timeline, chain check and pay link`,
    onclick: (ev) => {
      if (!ev.target.closest("a, button")) open(ev.currentTarget);
    },
    onkeydown: (ev) => {
      if (ev.key === "Enter" && ev.target === ev.currentTarget) {
        ev.preventDefault();
        open(ev.currentTarget);
      }
    }},
    h("td", {class: "num"}, n.nftNumber),
    h("th", {scope: "row"}, n.name),
    h("td", null, statusBadge(n.status)),
    h("td", {class: "mono", title: reserved && n.reservedBy ? n.reservedBy : null},
      reserved && n.reservedBy ? shortAddress(n.reservedBy) : "—"),
    h("td", {class: "time-left"}, reserved && n.reservedUntil ? countdown(n.reservedUntil) : "—"),
    h("td", {class: "mono buyer", title: n.soldTo || null}, n.soldTo ? shortAddress(n.soldTo) : "—"),
    h("td", {class: "sold-at"}, n.status === "sold" && n.soldAt ? timeEl(n.soldAt) : "—"),
    h("td", null, h("span", {class: "source"}, n.lastModifiedBy), " ", timeEl(n.lastModifiedAt)),
    h("td", {class: "mono", title: n.nftUid}, shortUid(n.nftUid)),
    h("td", null, n.paymentUrl ? h("a", {href: n.paymentUrl, target: "_blank", rel: "noopener noreferrer"},
      "Pay link", hidden(` for ${n.name} (opens NMKR Pay)`)) : "—"));
}

export function renderInventoryPanel(panel, c, params, ctx) {
  const inv = {
    status: ["available", "reserved", "sold"].includes(params.get("status")) ? params.get("status") : "",
    limit: PAGE_SIZES.includes(Number(params.get("limit"))) ? Number(params.get("limit")) : PAGE_SIZES[0],
    q: (params.get("q") || "").slice(0, 120),
    page: Math.max(1, Math.min(100000, Math.floor(Number(params.get("page"))) || 1)),
    afterOf: new Map([[1, 0]]), // page number -> its "after" (keyset), once known
    pages: null, // how many pages, when the counts say (not for a search)
  };
  const restart = () => {
    inv.page = 1;
    inv.afterOf = new Map([[1, 0]]);
  };
  const searchId = uniqueId("inv-search");
  const searchBox = h("input", {id: searchId, name: "q", type: "search", value: inv.q, maxlength: "120",
    placeholder: "UID, name, #number, wallet or tx hash", autocomplete: "off"});
  const statusId = uniqueId("inv-status");
  const limitId = uniqueId("inv-limit");
  const statusSelect = h("select", {id: statusId, name: "status"},
    ["", "available", "reserved", "sold"].map((v) => h("option", {value: v, selected: v === inv.status}, v || "All")));
  const limitSelect = h("select", {id: limitId, name: "limit"},
    PAGE_SIZES.map((n) => h("option", {value: n, selected: n === inv.limit}, String(n))));
  const summary = h("p", {class: "inventory-summary", role: "status"});
  const tableBox = h("div", {class: "inventory-table"});
  const prev = button("Previous page", () => {
    inv.page -= 1;
    keepInUrl();
    load();
  }, {class: "pager-prev"});
  const next = button("Next page", () => {
    inv.page += 1;
    keepInUrl();
    load();
  }, {class: "pager-next"});
  const pageInfo = h("span", {class: "page-info"});
  // Jump to a page: GET …/nfts?page=N (the server skips the pages before).
  const jumpId = uniqueId("inv-page");
  const jumpInput = h("input", {id: jumpId, name: "page", type: "number", min: "1", step: "1", inputmode: "numeric",
    class: "page-input", required: true});
  const jumpForm = h("form", {class: "page-jump"},
    h("label", {for: jumpId}, "Go to page"), jumpInput, h("button", {type: "submit"}, "Go"));
  jumpForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!jumpForm.reportValidity()) return;
    inv.page = Math.max(1, Math.floor(Number(jumpInput.value)));
    keepInUrl();
    load();
  });

  const keepInUrl = () => {
    const q = new URLSearchParams();
    if (inv.status) q.set("status", inv.status);
    if (inv.limit !== PAGE_SIZES[0]) q.set("limit", inv.limit);
    if (inv.q) q.set("q", inv.q);
    if (inv.page > 1) q.set("page", inv.page);
    const qs = q.toString();
    history.replaceState(null, "", `${ctx.path}${qs ? `?${qs}` : ""}`);
  };
  const load = () => {
    const pageNo = inv.page;
    const after = inv.afterOf.get(pageNo);
    const q = new URLSearchParams({limit: String(inv.limit)});
    if (inv.status) q.set("status", inv.status);
    if (inv.q) q.set("q", inv.q);
    if (after === undefined) q.set("page", String(pageNo));
    else if (after) q.set("after", String(after));
    prev.disabled = true;
    next.disabled = true;
    return loadInto(tableBox, "the inventory", () => getJson(`/api/campaigns/${c.id}/nfts?${q}`), (page) => {
      const k = page.counts;
      if (page.nextAfter !== null) inv.afterOf.set(pageNo + 1, page.nextAfter);
      inv.pages = inv.q ? null : Math.max(1, Math.ceil((inv.status ? k[inv.status] : k.total) / inv.limit));
      if (inv.pages) jumpInput.max = String(inv.pages);
      else jumpInput.removeAttribute("max");
      jumpInput.value = String(pageNo);
      summary.textContent = `${fmtNumber(k.total)} NFTs: ${fmtNumber(k.available)} available, ` +
        `${fmtNumber(k.reserved)} reserved, ${fmtNumber(k.sold)} sold. ` +
        (inv.q ? `Matching “${inv.q}”. ` : "") +
        (page.items.length ? `Showing ${inv.status || "all"}, page ${pageNo}: ` +
          `#${page.items[0].nftNumber}–#${page.items[page.items.length - 1].nftNumber}.` :
          `No ${inv.status || ""} NFTs${pageNo > 1 ? " on this page" : ""}.`);
      prev.disabled = pageNo <= 1;
      next.disabled = page.nextAfter === null;
      pageInfo.textContent = inv.pages ? `Page ${fmtNumber(pageNo)} of ${fmtNumber(inv.pages)}` : `Page ${fmtNumber(pageNo)}`;
      if (!page.items.length) {
        return h("p", {class: "empty"}, inv.q ? `No ${inv.status || ""} NFT matches “${inv.q}”.` :
          inv.status ? `No ${inv.status} NFTs.` : "No NFTs yet: import them from NMKR or a CSV file.");
      }
      return scrollTable(`${c.name} NFTs${inv.status ? ` (${inv.status})` : ""}, page ${pageNo}`,
        ["#", "Name", "Status", "Reserved by", "Time left", "Buyer", "Sold at", "Last change", "UID", "Pay"],
        page.items.map(nftRow), {class: "inventory"});
    });
  };
  statusSelect.addEventListener("change", () => {
    inv.status = statusSelect.value;
    restart();
    keepInUrl();
    load();
  });
  let searchTimer = null;
  searchBox.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      inv.q = searchBox.value.trim();
      restart();
      keepInUrl();
      load();
    }, 250);
  });
  limitSelect.addEventListener("change", () => {
    inv.limit = Number(limitSelect.value);
    restart();
    keepInUrl();
    load();
  });

  panel.append(h("section", {class: "card", "aria-labelledby": "inventory-title"},
    h("div", {class: "panel-head"}, h("h2", {id: "inventory-title", tabindex: "-1"}, "Inventory"),
      h("div", {class: "actions"},
        button("Download CSV", (ev) => withButton(ev.currentTarget, () => {
          const q = new URLSearchParams();
          if (inv.status) q.set("status", inv.status);
          if (inv.q) q.set("q", inv.q);
          return download(`/api/campaigns/${c.id}/inventory.csv${q.toString() ? `?${q}` : ""}`,
            `campaign-${c.id}-inventory.csv`).catch((e) => showError(e, "The CSV could not be made"));
        }), {class: "download-csv"}),
        button("Refresh", (ev) => withButton(ev.currentTarget, load)))),
    h("div", {class: "filters"},
      h("div", {class: "field"}, h("label", {for: searchId}, "Search"), searchBox),
      h("div", {class: "field"}, h("label", {for: statusId}, "Status"), statusSelect),
      h("div", {class: "field"}, h("label", {for: limitId}, "Per page"), limitSelect)),
    summary,
    tableBox,
    h("nav", {class: "pager", "aria-label": "Inventory pages"}, prev, pageInfo, next, jumpForm)));
  load();
}

// ---- Review queue --------------------------------------------------------

const REMOTE_TO_LOCAL = {free: "available", reserved: "reserved", sold: "sold"};
const REVIEW_ROWS = 100; // rows a page loads; the bulk actions reach all
// The kinds the sync raises; any other one seen in a page is listed too.
const KNOWN_KINDS = ["sold_downgrade"];
const kindLabel = (k) => k.replace(/_/g, " ");

export function renderReviewPanel(panel, c, params, ctx) {
  const state = {kind: (params.get("kind") || "").slice(0, 64), matching: 0,
    loaded: [], next: null, total: 0, names: new Map()};
  const showAllId = uniqueId("review-all");
  const showAll = h("input", {type: "checkbox", id: showAllId});
  const kindId = uniqueId("review-kind");
  const kindSelect = h("select", {id: kindId, name: "kind"});
  const selectAllId = uniqueId("review-select-all");
  const selectAll = h("input", {type: "checkbox", id: selectAllId, name: "select-all"});
  const selectAllLabel = h("label", {for: selectAllId});
  const bulkButtons = [
    ["keep_local", "Keep local"], ["apply_remote", "Apply NMKR"], ["dismissed", "Dismiss"],
  ].map(([resolution, label]) => button([label, hidden(" for the selected items")],
    (ev) => bulkResolve(resolution, label, ev.currentTarget), {dataset: {bulk: resolution}, disabled: true}));
  const result = h("p", {class: "bulk-result", id: "bulk-result", role: "status"});
  const bulkBar = h("div", {class: "bulk", id: "review-bulk", hidden: true},
    h("div", {class: "field field-check"}, selectAll, selectAllLabel),
    h("div", {class: "actions"}, bulkButtons));
  const body = h("div", {class: "review-body"});

  const keepInUrl = () => {
    history.replaceState(null, "", `${ctx.path}${state.kind ? `?${new URLSearchParams({kind: state.kind})}` : ""}`);
  };
  const setSelected = (on) => {
    selectAll.checked = on;
    for (const b of bulkButtons) b.disabled = !on || state.matching === 0;
  };
  // The open counts come from the API's totals (a page of one item each),
  // not from the rows loaded: the queue may hold 150,000 items.
  const drawKinds = (openTotal, counts) => {
    if (state.kind && !counts.has(state.kind)) counts.set(state.kind, 0);
    replaceChildren(kindSelect, h("option", {value: ""}, `All kinds (${fmtNumber(openTotal)} open)`),
      [...counts].sort((x, y) => x[0].localeCompare(y[0])).map(([k, n]) =>
        h("option", {value: k, selected: k === state.kind}, `${kindLabel(k)} (${fmtNumber(n)} open)`)));
    kindSelect.value = state.kind;
    state.matching = state.kind ? counts.get(state.kind) || 0 : openTotal;
    replaceChildren(selectAllLabel, `Select all ${fmtNumber(state.matching)} open item${state.matching === 1 ? "" : "s"}` +
      (state.kind ? ` of kind “${kindLabel(state.kind)}”` : "") + " that match");
    bulkBar.hidden = state.matching === 0;
    setSelected(false);
  };
  const reviewPage = (params) => getJson(`/api/campaigns/${c.id}/review?${new URLSearchParams(params)}`);
  const pageQuery = (after) => {
    const q = {limit: String(REVIEW_ROWS)};
    if (state.kind) q.kind = state.kind;
    if (showAll.checked) q.open = "0";
    if (after != null) q.after = String(after);
    return q;
  };
  const reload = async () => {
    await load();
    await ctx.afterChange({panel: false});
  };
  const drawTable = () => reviewTable(c, state.loaded, state.total, state.names, reload,
    state.next != null ? loadMore : null);
  // The next page, under the rows already shown.
  async function loadMore(ev) {
    const btn = ev.currentTarget;
    const first = state.loaded.length;
    await withButton(btn, async () => {
      const page = await reviewPage(pageQuery(state.next));
      const names = await nftNames(page.items.map((i) => i.nftUid));
      for (const [uid, name] of names) state.names.set(uid, name);
      state.loaded = state.loaded.concat(page.items);
      state.next = page.nextAfter;
      state.total = page.total;
    }).catch((err) => showError(err, "Could not load more review items"));
    if (!body.isConnected) return;
    replaceChildren(body, drawTable());
    // The focus stays on "Load more", or goes to the first row it brought.
    const row = body.querySelectorAll("table.review tbody tr")[first];
    (body.querySelector("button.review-load-more") || row?.querySelector("button") ||
      document.getElementById("review-title"))?.focus();
  }
  const load = () => loadInto(body, "the review queue", async () => {
    const [open, page] = await Promise.all([reviewPage({limit: "1"}), reviewPage(pageQuery(null))]);
    const kinds = new Set(KNOWN_KINDS);
    for (const i of page.items) kinds.add(i.kind);
    if (state.kind) kinds.add(state.kind);
    const counts = new Map(await Promise.all([...kinds].map(async (k) =>
      [k, (await reviewPage({limit: "1", kind: k})).total])));
    for (const [k, n] of counts) if (n === 0 && k !== state.kind) counts.delete(k);
    const names = await nftNames(page.items.map((i) => i.nftUid));
    return {open, page, counts, names};
  }, ({open, page, counts, names}) => {
    drawKinds(open.total, counts);
    state.loaded = page.items;
    state.next = page.nextAfter;
    state.total = page.total;
    state.names = names;
    return drawTable();
  });

  // Every open item of the kind shown, alike, in one transaction: the
  // server refuses (409) when another count matches than the one confirmed.
  function bulkResolve(resolution, label, opener) {
    const n = state.matching;
    const of = state.kind ? ` of kind “${kindLabel(state.kind)}”` : "";
    const what = {keep_local: "keeps this server's status of each NFT",
      apply_remote: "sets each NFT to the state NMKR shows (an item whose NMKR state has no status here refuses all)",
      dismissed: "closes them without changing any NFT"}[resolution];
    confirmAction({
      title: `Resolve ${fmtNumber(n)} review item${n === 1 ? "" : "s"}?`,
      text: `${label} for all ${fmtNumber(n)} open item${n === 1 ? "" : "s"}${of} of ${c.name}: this ${what}. ` +
        "All of them are resolved in one transaction, or none.",
      okLabel: `${label}: ${fmtNumber(n)} item${n === 1 ? "" : "s"}`,
      opener,
      run: async () => {
        const json = {resolution, expected: n};
        if (state.kind) json.kind = state.kind;
        const res = await api("POST", `/api/campaigns/${c.id}/review/resolve`, {json});
        const done = res.body.resolved;
        const text = `Resolved ${fmtNumber(done)} review item${done === 1 ? "" : "s"}${of}: ` +
          `${{keep_local: "kept local", apply_remote: "applied NMKR's state", dismissed: "dismissed"}[resolution]}.`;
        result.textContent = text;
        result.dataset.resolved = String(done);
        notify(text);
        await load();
        await ctx.afterChange({panel: false});
        // The bulk buttons wait for a new selection (or, with nothing left,
        // are hidden): the focus goes to "Select all", else to the queue's
        // heading, instead of the page's top.
        document.getElementById("confirm-dialog").returnFocusTo =
          bulkBar.hidden ? focusAfterResolve(0, resolution) : selectAll;
        return true;
      },
    });
  }

  selectAll.addEventListener("change", () => setSelected(selectAll.checked));
  kindSelect.addEventListener("change", () => {
    state.kind = kindSelect.value;
    result.textContent = "";
    keepInUrl();
    load();
  });
  showAll.addEventListener("change", load);
  panel.append(h("section", {class: "card", "aria-labelledby": "review-title"},
    h("div", {class: "panel-head"}, h("h2", {id: "review-title", tabindex: "-1"}, "Review queue"),
      h("div", {class: "actions"}, button("Refresh", (ev) => withButton(ev.currentTarget, load)))),
    h("p", {class: "intro"}, "Conflicts the sync refused to settle alone, such as an NFT sold here that NMKR " +
      "shows as free. Keep this server's status, apply NMKR's, or dismiss the item; or select all that match " +
      "and resolve them at once."),
    h("div", {class: "filters"},
      h("div", {class: "field"}, h("label", {for: kindId}, "Kind"), kindSelect),
      h("div", {class: "field field-check"}, showAll, h("label", {for: showAllId}, "Show resolved items too"))),
    bulkBar,
    result,
    body));
  load();
}

/** The names of NFTs by uid (the review items carry only the uid). */
async function nftNames(uids) {
  const names = new Map();
  await Promise.all([...new Set(uids)].slice(0, 50).map(async (uid) => {
    try {
      const nft = await getJson(`/api/nfts/${encodeURIComponent(uid)}`);
      names.set(uid, nft.name);
    } catch (err) {
      if (isQuiet(err)) throw err;
    }
  }));
  return names;
}

/**
 * The rows loaded so far (items) of total; more, when given, loads the
 * next page under them.
 */
function reviewTable(c, items, total, names, reload, more) {
  if (!items.length) return h("p", {class: "empty"}, "Nothing to review.");
  const rows = items.map((item) => {
    const name = names.get(item.nftUid) || shortUid(item.nftUid);
    const local = REMOTE_TO_LOCAL[item.remoteState];
    const resolve = (resolution, opener) => resolveReview(c, item, name, resolution, opener, reload);
    const actions = item.resolvedAt ?
      h("span", null, h("span", {class: "badge"}, item.resolution), " ", timeEl(item.resolvedAt)) :
      h("div", {class: "row-actions"},
        button(["Keep local", hidden(` status of ${name}`)], (ev) => resolve("keep_local", ev.currentTarget),
          {dataset: {resolve: "keep_local"}}),
        local ? button(["Apply NMKR", hidden(` state to ${name}`)], (ev) => resolve("apply_remote", ev.currentTarget),
          {dataset: {resolve: "apply_remote"}}) : null,
        button(["Dismiss", hidden(` item about ${name}`)], (ev) => resolve("dismissed", ev.currentTarget),
          {dataset: {resolve: "dismissed"}}));
    return h("tr", {dataset: {reviewId: item.id, uid: item.nftUid}},
      h("td", {class: "num"}, item.id),
      h("th", {scope: "row"}, name, h("div", {class: "mono small", title: item.nftUid}, shortUid(item.nftUid))),
      h("td", null, item.kind.replace(/_/g, " ")),
      h("td", null, statusBadge(item.localStatus)),
      h("td", null, item.remoteState ? h("span", {class: `badge badge-${local || item.remoteState}`}, item.remoteState) : "—"),
      h("td", {class: "detail-cell"}, item.detail || "—"),
      h("td", null, timeEl(item.createdAt)),
      h("td", null, actions));
  });
  const shown = items.length < total ? `Showing the first ${fmtNumber(items.length)} of ${fmtNumber(total)} ` +
    "items; the selection above reaches all that match." : null;
  return [
    shown ? h("p", {class: "review-more"}, shown) : null,
    scrollTable(`Review items, oldest first${items.length < total ? ` (${fmtNumber(items.length)} of ${fmtNumber(total)})` : ""}`,
      ["Item", "NFT", "Kind", "Here", "NMKR", "Detail", "Raised", "Action"], rows, {class: "review"}),
    more ? h("div", {class: "pager"}, button(["Load more", hidden(` review items (${fmtNumber(items.length)} of ` +
      `${fmtNumber(total)} shown)`)], more, {class: "review-load-more"})) : null,
  ];
}

/**
 * Where the focus goes once a resolve has redrawn the queue and the button
 * that had it is gone: the same action of the open item now in its row
 * (or the nearest open one before it), else the queue's heading. A
 * keyboard user goes on where they were instead of from the page's top.
 */
function focusAfterResolve(at, resolution) {
  const rows = [...document.querySelectorAll("table.review tbody tr")];
  const open = rows.slice(at).concat(rows.slice(0, at).reverse()).find((r) => r.querySelector("[data-resolve]"));
  return (open && (open.querySelector(`[data-resolve="${resolution}"]`) || open.querySelector("[data-resolve]"))) ||
    document.getElementById("review-title");
}

function resolveReview(c, item, name, resolution, opener, reload) {
  const row = opener.closest("tr");
  const at = row ? [...row.parentNode.children].indexOf(row) : 0;
  const run = async () => {
    await api("POST", `/api/review/${item.id}/resolve`, {json: {resolution}});
    const what = {keep_local: `kept ${item.localStatus} here`,
      apply_remote: `set to ${REMOTE_TO_LOCAL[item.remoteState]} as NMKR says`, dismissed: "dismissed"}[resolution];
    notify(`Review item #${item.id} (${name}) resolved: ${what}.`);
    await reload();
    const next = focusAfterResolve(at, resolution);
    // In the dialog's case its close gives the focus back: to next, then.
    const dialog = document.getElementById("confirm-dialog");
    if (dialog.open) dialog.returnFocusTo = next;
    else next?.focus();
  };
  if (resolution !== "apply_remote") {
    withButton(opener, () => run().catch((err) => showError(err, `Could not resolve item #${item.id}`)));
    return;
  }
  confirmAction({
    title: `Apply NMKR's state to ${name}?`,
    text: `${name} is ${item.localStatus} here and ${item.remoteState} in NMKR. Applying NMKR's state sets it to ` +
      `${REMOTE_TO_LOCAL[item.remoteState]}${REMOTE_TO_LOCAL[item.remoteState] === "available" ?
        ", so it can be offered to buyers again" : ""}.`,
    okLabel: "Apply NMKR's state",
    opener,
    run,
  });
}

// ---- Webhooks ------------------------------------------------------------

// NMKR replaces a project's whole list of notifications and gives every entry
// a new secret, so the server refuses (409 other_notifications) while the
// project has other notifications; "anyway" keeps them, with new secrets.
function refusedOthers(res, cctx, anyway) {
  const e = res.body && res.body.error ? res.body.error : {};
  if (e.code !== "other_notifications") throw new ApiError(409, e.code || "conflict", e.message || "Refused");
  cctx.data.force = true;
  cctx.setError(`${e.message}. Going on keeps them as they are, but NMKR gives each a new secret.`);
  cctx.setOk(anyway);
  return false;
}

function othersConfirm(res, {title, okLabel, opener, send, done}) {
  const e = res.body && res.body.error ? res.body.error : {};
  if (e.code !== "other_notifications") throw new ApiError(409, e.code || "conflict", e.message || "Refused");
  confirmAction({title, text: `${e.message}.`, okLabel, opener,
    run: async () => {
      const again = await send();
      await done(again);
      return true;
    }});
}

export function renderWebhooksPanel(panel, c, ctx) {
  const body = h("div", {class: "webhooks-body"});
  const load = () => loadInto(body, "the webhooks", () => getJson(`/api/campaigns/${c.id}/webhooks?limit=100`),
    (events) => (events.length ? scrollTable("Webhooks received from NMKR, newest first",
      ["Received", "Event", "Signature", "Outcome", "Transaction", "Detail"],
      events.map((e) => h("tr", null,
        h("td", null, timeEl(e.receivedAt)),
        h("td", null, e.eventType || "—"),
        h("td", null, e.verified ? "verified" : h("span", {class: "error-text"}, "not verified")),
        h("td", null, h("span", {class: `badge outcome-${e.outcome}`}, e.outcome)),
        h("td", {class: "mono", title: e.txHash || null}, e.txHash ? shortAddress(e.txHash) : "—"),
        h("td", null, e.detail || "—"))), {class: "webhooks"}) :
      h("p", {class: "empty"}, "No webhook received for this campaign yet.")));
  const urlId = uniqueId("hook-url");
  const url = h("input", {id: urlId, name: "url", type: "url", required: true, class: "mono",
    value: `${location.origin}/webhooks/nmkr`});
  const register = h("form", {class: "inline-form"},
    h("div", {class: "field"}, h("label", {for: urlId}, "This server's webhook address, as NMKR will call it"), url),
    h("button", {type: "submit"}, c.webhookConfigured ? "Register again" : "Register with NMKR"));
  const registered = async (res) => {
    notify(res.body.action === "adopt" ? `NMKR already lists ${url.value.trim()}: its secret is kept for ${c.name}.` :
      `Registered ${url.value.trim()} with NMKR for ${c.name}.`);
    await ctx.afterChange({panel: true});
    document.getElementById("webhooks-title")?.focus();
  };
  const sendRegister = (force) => api("POST", `/api/campaigns/${c.id}/webhook`,
    {json: {url: url.value.trim(), force}, allow: [409]});
  register.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!register.reportValidity()) return;
    const opener = register.querySelector("button");
    withButton(opener, async () => {
      try {
        const res = await sendRegister(false);
        if (res.status !== 409) return registered(res);
        othersConfirm(res, {title: "Other notifications at NMKR", okLabel: "Register anyway", opener,
          send: () => sendRegister(true), done: registered});
      } catch (err) {
        showError(err, "Could not register the webhook");
      }
    });
  });
  const rotate = c.webhookConfigured ? button("Rotate the secret", (ev) => {
    const send = (force) => api("POST", `/api/campaigns/${c.id}/webhook/rotate${force ? "?force=1" : ""}`,
      {allow: [409]});
    const done = async () => {
      notify("NMKR made a new webhook secret; the old one is accepted for the grace, then refused.");
      await ctx.afterChange({panel: true});
    };
    confirmAction({title: "Rotate the webhook secret?",
      text: "NMKR makes a new secret for this server's webhook. Webhooks signed with the old one are accepted " +
        "for the grace (CS_WEBHOOK_SECRET_GRACE, 10 minutes by default), then refused.",
      okLabel: "Rotate", opener: ev.currentTarget,
      run: async (cctx) => {
        const res = await send(Boolean(cctx.data.force));
        if (res.status === 409) return refusedOthers(res, cctx, "Rotate anyway");
        await done();
        return true;
      }});
  }) : null;
  panel.append(h("section", {class: "card", "aria-labelledby": "webhooks-title"},
    h("div", {class: "panel-head"}, h("h2", {id: "webhooks-title", tabindex: "-1"}, "Webhooks"),
      h("div", {class: "actions"}, rotate, button("Refresh", (ev) => withButton(ev.currentTarget, load)))),
    h("p", {class: "intro"}, c.webhookConfigured ?
      "NMKR tells this server about sales and expired reservations of this campaign's project as they happen." :
      "No webhook is registered: sales reach this server only through syncs."),
    register,
    body));
  load();
}

