// SPDX-License-Identifier: MIT
// The other sections of a campaign: the inventory (status filter, paging,
// live reservation countdowns, buyers and sale times), the review queue
// (with its resolve actions) and the webhooks received. Each gets ctx:
// {path: its address, afterChange(options): redraw the campaign}.
import {api, getJson, download, ApiError} from "./api.js";
import {h, scrollTable, uniqueId, timeEl, fmtNumber, fmtClock, shortUid} from "./dom.js";
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

function nftRow(n) {
  const reserved = n.status === "reserved";
  return h("tr", {dataset: {uid: n.nftUid, status: n.status, number: n.nftNumber}},
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
    afters: [0], // the "after" of each page seen, to go back
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
    inv.afters.pop();
    load();
  }, {class: "pager-prev"});
  const next = button("Next page", () => {
    inv.afters.push(Number(next.dataset.after));
    load();
  }, {class: "pager-next"});
  const pageInfo = h("span", {class: "page-info"});

  const keepInUrl = () => {
    const q = new URLSearchParams();
    if (inv.status) q.set("status", inv.status);
    if (inv.limit !== PAGE_SIZES[0]) q.set("limit", inv.limit);
    if (inv.q) q.set("q", inv.q);
    const qs = q.toString();
    history.replaceState(null, "", `${ctx.path}${qs ? `?${qs}` : ""}`);
  };
  const load = () => {
    const after = inv.afters[inv.afters.length - 1];
    const q = new URLSearchParams({limit: String(inv.limit)});
    if (inv.status) q.set("status", inv.status);
    if (inv.q) q.set("q", inv.q);
    if (after) q.set("after", String(after));
    prev.disabled = true;
    next.disabled = true;
    return loadInto(tableBox, "the inventory", () => getJson(`/api/campaigns/${c.id}/nfts?${q}`), (page) => {
      const k = page.counts;
      const pageNo = inv.afters.length;
      summary.textContent = `${fmtNumber(k.total)} NFTs: ${fmtNumber(k.available)} available, ` +
        `${fmtNumber(k.reserved)} reserved, ${fmtNumber(k.sold)} sold. ` +
        (inv.q ? `Matching “${inv.q}”. ` : "") +
        (page.items.length ? `Showing ${inv.status || "all"}, page ${pageNo}: ` +
          `#${page.items[0].nftNumber}–#${page.items[page.items.length - 1].nftNumber}.` :
          `No ${inv.status || ""} NFTs${pageNo > 1 ? " on this page" : ""}.`);
      prev.disabled = inv.afters.length <= 1;
      next.disabled = page.nextAfter === null;
      next.dataset.after = page.nextAfter ?? "";
      pageInfo.textContent = `Page ${pageNo}`;
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
    inv.afters = [0];
    keepInUrl();
    load();
  });
  let searchTimer = null;
  searchBox.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      inv.q = searchBox.value.trim();
      inv.afters = [0];
      keepInUrl();
      load();
    }, 250);
  });
  limitSelect.addEventListener("change", () => {
    inv.limit = Number(limitSelect.value);
    inv.afters = [0];
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
    h("nav", {class: "pager", "aria-label": "Inventory pages"}, prev, pageInfo, next)));
  load();
}

// ---- Review queue --------------------------------------------------------

const REMOTE_TO_LOCAL = {free: "available", reserved: "reserved", sold: "sold"};

export function renderReviewPanel(panel, c, ctx) {
  const showAllId = uniqueId("review-all");
  const showAll = h("input", {type: "checkbox", id: showAllId});
  const body = h("div", {class: "review-body"});
  const load = () => loadInto(body, "the review queue", async () => {
    const items = await getJson(`/api/campaigns/${c.id}/review${showAll.checked ? "?open=0" : ""}`);
    const names = await nftNames(items.map((i) => i.nftUid));
    return {items, names};
  }, ({items, names}) => reviewTable(c, items, names, async () => {
    await load();
    await ctx.afterChange({panel: false});
  }));
  showAll.addEventListener("change", load);
  panel.append(h("section", {class: "card", "aria-labelledby": "review-title"},
    h("div", {class: "panel-head"}, h("h2", {id: "review-title", tabindex: "-1"}, "Review queue"),
      h("div", {class: "actions"}, button("Refresh", (ev) => withButton(ev.currentTarget, load)))),
    h("p", {class: "intro"}, "Conflicts the sync refused to settle alone, such as an NFT sold here that NMKR " +
      "shows as free. Keep this server's status, apply NMKR's, or dismiss the item."),
    h("div", {class: "field field-check"}, showAll, h("label", {for: showAllId}, "Show resolved items too")),
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

function reviewTable(c, items, names, reload) {
  if (!items.length) return h("p", {class: "empty"}, "Nothing to review.");
  const rows = items.map((item) => {
    const name = names.get(item.nftUid) || shortUid(item.nftUid);
    const local = REMOTE_TO_LOCAL[item.remoteState];
    const resolve = (resolution, opener) => resolveReview(c, item, name, resolution, opener, reload);
    const actions = item.resolvedAt ?
      h("span", null, h("span", {class: "badge"}, item.resolution), " ", timeEl(item.resolvedAt)) :
      h("div", {class: "row-actions"},
        button(["Keep local", hidden(` status of ${name}`)], (ev) => resolve("keep_local", ev.currentTarget)),
        local ? button(["Apply NMKR", hidden(` state to ${name}`)], (ev) => resolve("apply_remote", ev.currentTarget)) : null,
        button(["Dismiss", hidden(` item about ${name}`)], (ev) => resolve("dismissed", ev.currentTarget)));
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
  return scrollTable("Review items, oldest first",
    ["Item", "NFT", "Kind", "Here", "NMKR", "Detail", "Raised", "Action"], rows, {class: "review"});
}

function resolveReview(c, item, name, resolution, opener, reload) {
  const run = async () => {
    await api("POST", `/api/review/${item.id}/resolve`, {json: {resolution}});
    const what = {keep_local: `kept ${item.localStatus} here`,
      apply_remote: `set to ${REMOTE_TO_LOCAL[item.remoteState]} as NMKR says`, dismissed: "dismissed"}[resolution];
    notify(`Review item #${item.id} (${name}) resolved: ${what}.`);
    await reload();
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

