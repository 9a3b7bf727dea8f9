// SPDX-License-Identifier: MIT
// The NFT drawer: one NFT of the inventory with its status timeline (every
// status_history row, its source and time, newest first), its last chain
// check and its pay link (none once sold). GET /api/nfts/{uid} answers all
// three. The drawer is a modal <dialog>: Escape closes it and the focus
// goes back to the row that opened it (ui.js).
import {getJson} from "./api.js";
import {h, replaceChildren, timeEl, fmtDateTime} from "./dom.js";
import {isQuiet, errorBox, openDialog, statusBadge, hidden} from "./ui.js";

const drawer = document.getElementById("nft-drawer");
const title = document.getElementById("nft-drawer-title");
const body = document.getElementById("nft-drawer-body");
let shown = null; // the uid on screen, so a late answer for another is dropped

const SOURCES = {user: "a buyer's reservation", admin: "an operator", webhook: "an NMKR webhook",
  manual_sync: "a sync", auto_sync: "a scheduled sync", blockchain: "the chain check", expiry: "the expiry sweeper"};

function fact(term, ...value) {
  return h("div", {class: "fact"}, h("dt", null, term), h("dd", null, ...value));
}

function timeline(history) {
  if (!history.length) return h("p", {class: "empty"}, "No status change recorded.");
  return h("ol", {class: "timeline", "aria-label": "Status changes, newest first"},
    [...history].reverse().map((row) => h("li", {class: "timeline-item", dataset: {source: row.source,
      from: row.oldStatus, to: row.newStatus}},
      h("p", {class: "timeline-change"}, statusBadge(row.oldStatus), h("span", {"aria-hidden": "true"}, " → "),
        hidden(" to "), statusBadge(row.newStatus)),
      h("p", {class: "timeline-meta"},
        h("span", {class: "source", title: SOURCES[row.source] || row.source}, row.source), " · ",
        timeEl(row.changedAt),
        row.syncLogId ? ` · sync log #${row.syncLogId}` : null,
        row.webhookEventId ? ` · webhook #${row.webhookEventId}` : null),
      row.detail ? h("p", {class: "timeline-detail"}, row.detail) : null)));
}

function chainPart(n) {
  const k = n.chainCheck;
  if (k) {
    return h("div", {class: "chain-check", dataset: {chain: k.status}},
      h("p", null, h("span", {class: `badge chain-${k.status}`}, k.status), " checked ", timeEl(k.checkedAt)),
      k.message ? h("p", {class: "muted"}, k.message) : null,
      h("p", {class: "mono small", title: k.assetId}, `Asset ${k.assetId}`));
  }
  return h("p", {class: "chain-check empty", dataset: {chain: "none"}},
    n.status !== "sold" ? "Not sold: nothing to check on chain." :
      n.assetId ? "Not checked on chain yet." : "No asset id from NMKR yet: the sync fills it in.");
}

function payPart(n) {
  if (n.status === "sold") {
    return h("p", {class: "no-paylink"}, "Sold: no pay link.");
  }
  if (!n.paymentUrl) return h("p", {class: "no-paylink"}, "No pay link.");
  return h("p", null, h("a", {class: "paylink mono", href: n.paymentUrl, target: "_blank", rel: "noopener noreferrer"},
    n.paymentUrl, hidden(" (opens NMKR Pay)")));
}

function render(n) {
  const section = (id, heading, ...content) => h("section", {class: "drawer-part", "aria-labelledby": id, dataset:
    {part: id}}, h("h3", {id}, heading), ...content);
  return [
    h("dl", {class: "facts drawer-facts"},
      fact("Number", `#${n.nftNumber}`),
      fact("Status", statusBadge(n.status)),
      fact("Last change", h("span", {class: "source"}, n.lastModifiedBy), " ", timeEl(n.lastModifiedAt)),
      n.status === "reserved" ? fact("Reserved by", h("span", {class: "mono"}, n.reservedBy || "—")) : null,
      n.status === "reserved" ? fact("Until", fmtDateTime(n.reservedUntil)) : null,
      n.status === "sold" ? fact("Buyer", h("span", {class: "mono"}, n.soldTo || "—")) : null,
      n.status === "sold" ? fact("Sold at", timeEl(n.soldAt)) : null,
      n.txHash ? fact("Transaction", h("span", {class: "mono"}, n.txHash)) : null,
      h("div", {class: "fact fact-wide"}, h("dt", null, "UID"), h("dd", {class: "mono"}, n.nftUid))),
    section("nft-pay-title", "Pay link", payPart(n)),
    section("nft-chain-title", "Chain check", chainPart(n)),
    section("nft-timeline-title", `Status timeline (${n.history.length})`, timeline(n.history)),
  ];
}

async function load(uid) {
  body.setAttribute("aria-busy", "true");
  try {
    const n = await getJson(`/api/nfts/${encodeURIComponent(uid)}`);
    if (shown !== uid) return;
    title.textContent = n.name;
    drawer.dataset.status = n.status;
    replaceChildren(body, render(n));
  } catch (err) {
    if (isQuiet(err) || shown !== uid) return;
    replaceChildren(body, errorBox("this NFT", err, () => load(uid)));
  } finally {
    if (shown === uid) body.removeAttribute("aria-busy");
  }
}

/** Open the drawer of the NFT uid (named name), from the element opener. */
export function openNftDrawer(uid, name, opener) {
  shown = uid;
  drawer.dataset.uid = uid;
  drawer.dataset.status = "";
  title.textContent = name;
  replaceChildren(body, h("p", {class: "loading"}, "Loading…"));
  if (!drawer.open) openDialog(drawer, opener);
  else drawer.returnFocusTo = opener;
  drawer.querySelector("[data-close]").focus();
  load(uid);
}

drawer.addEventListener("close", () => {
  shown = null;
});
