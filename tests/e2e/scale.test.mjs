// SPDX-License-Identifier: MIT
// e2e.scale: the sync report of a big campaign in a real Chromium
// (puppeteer-core and Debian's /usr/bin/chromium), against `campaign-sync
// serve` on SQLite and fake-nmkr, both on 127.0.0.1 port 0.
//
// Builds a campaign of 2,000 NFTs with 300 conflicts (sold here, reserved
// in NMKR: each goes to the review queue), syncs it from the page (Tab to
// Sync, Space), and checks the report: the document's height at 1280 px
// wide (printed; at most MAX_HEIGHT), the discrepancies grouped by issue
// with the right counts, their paging, the CSV download (a row per
// discrepancy) and a failed sync's report (NMKR answers 401). Then, by
// keyboard only: the inventory's search (a uid prefix, a #number, a
// buyer's wallet, each as the API answers it), the review queue filtered
// by kind and resolved in bulk after a confirmation that names the count
// (the database checked through the API after: nothing open, a history
// row per NFT), and the NFT drawer (Enter opens it on the timeline,
// Escape closes it). On each screen it runs axe-core and fails on a
// violation of impact serious or critical, and takes screenshots at 1280
// and 390 px wide into CS_E2E_OUT.
//
// Environment and exit status: harness.mjs.
import fs from "node:fs";
import path from "node:path";
import {
  assertClean, assertFocusVisible, both, check, eq, http, log, openPage, out, pool, run, setup, startStack, tabTo,
  waitText,
} from "./harness.mjs";

setup("e2e.scale", {outDir: "e2e-scale", deadlineMs: 270000, waitMs: 20000});

const TOKEN = "e2e-scale-admin-token-51c2";
const NMKR_KEY = "e2e-scale-nmkr-key";
const PROJECT = "5ca1e000-2000-4300-8000-000000000300";
const NFTS = 2000;
const CONFLICTS = 300;
const SOLD_IN_NMKR = 25; // available here, sold in NMKR: the sync applies them
const MAX_HEIGHT = Number(process.env.CS_SCALE_MAX_HEIGHT || 6000);
const PAGE_ROWS = 50;
const WHALE_WALLET = "addr1qxscalewhale7"; // the buyer of one of the 300, for the wallet search

const textOf = (page, selector) => page.$eval(selector, (el) => el.textContent.replace(/\s+/g, " ").trim());

async function documentHeight(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
}

// ---- The report's checks ----------------------------------------------------------

const stats = (page, side) => page.$$eval(`#report .stats-${side} .stat`, (els) =>
  Object.fromEntries(els.map((el) => [el.dataset.stat, Number(el.querySelector("dd").textContent.replace(/\D/g, ""))])));

/** The number in an NFT's name ("… #12"). */
const numberIn = (name) => Number(/(\d+)\D*$/.exec(name)[1]);

async function shownNumbers(page) {
  return page.$$eval("#report table.discrepancies tbody tr", (rows) => rows.map((r) => r.cells[0].textContent));
}

async function reportChecks(page, expectedOrder) {
  const total = expectedOrder.length;
  // Grouped by issue, with whole counts.
  const groups = await page.$$eval("#report .issue-groups li", (lis) =>
    lis.map((li) => [li.dataset.issue, li.querySelector(".issue-count").textContent]));
  eq(JSON.stringify(groups), JSON.stringify([["Status mismatch", String(total)]]), "discrepancies grouped by issue");
  await waitText(page, "#report .issue-groups", `${total} × Status mismatch`);
  // Before and after.
  await waitText(page, "#report .stats-db h4", "Database before the sync");
  await waitText(page, "#report .stats-db-after h4", "Database after the sync");
  eq(JSON.stringify(await stats(page, "db")), JSON.stringify({total: NFTS, available: NFTS - CONFLICTS,
    reserved: 0, sold: CONFLICTS}), "the database before the sync");
  eq(JSON.stringify(await stats(page, "db-after")), JSON.stringify({total: NFTS,
    available: NFTS - CONFLICTS - SOLD_IN_NMKR, reserved: 0, sold: CONFLICTS + SOLD_IN_NMKR}),
  "the database after the sync");
  eq(JSON.stringify(await stats(page, "nmkr")), JSON.stringify({total: NFTS,
    available: NFTS - CONFLICTS - SOLD_IN_NMKR, reserved: CONFLICTS, sold: SOLD_IN_NMKR}), "NMKR's counts");
  // The warnings: one line for the 300, pointing at the review queue.
  await waitText(page, "#report .warnings", `${CONFLICTS} × `);
  const reviewLinks = await page.$$eval("#report .warnings a", (as) => as.map((a) => a.getAttribute("href")));
  check(reviewLinks.some((href) => /#\/campaigns\/\d+\/review$/.test(href)),
    `a warning links the review queue (${reviewLinks})`);
  const warnings = await page.$$eval("#report .warnings li", (lis) => lis.length);
  check(warnings <= 5, `warnings are summarised: ${warnings} lines`);
  // Paged, by NFT number.
  await waitText(page, "#report .paged .page-info", `Rows 1–${PAGE_ROWS} of ${total}`);
  let names = await shownNumbers(page);
  eq(names.length, PAGE_ROWS, "rows on the first page");
  eq(JSON.stringify(names.map(numberIn)), JSON.stringify(expectedOrder.slice(0, PAGE_ROWS).map((n) => n.number)),
    "the first page, by NFT number");
  check(await page.$eval("#report .pager-prev", (b) => b.disabled), "no previous page on the first");
  await page.click("#report .pager-next");
  await waitText(page, "#report .paged .page-info", `Rows ${PAGE_ROWS + 1}–${2 * PAGE_ROWS} of ${total}`);
  names = await shownNumbers(page);
  eq(JSON.stringify(names.map(numberIn)),
    JSON.stringify(expectedOrder.slice(PAGE_ROWS, 2 * PAGE_ROWS).map((n) => n.number)), "the second page");
  // The last page, with the keyboard.
  await page.focus("#report .pager-next");
  const pages = Math.ceil(total / PAGE_ROWS);
  for (let i = 2; i < pages; i++) await page.keyboard.press("Enter");
  await waitText(page, "#report .paged .page-info", `Rows ${(pages - 1) * PAGE_ROWS + 1}–${total} of ${total}`);
  check(await page.$eval("#report .pager-next", (b) => b.disabled), "no next page on the last");
  check(await page.$eval("#report .pager-prev", (b) => b === document.activeElement),
    "on the last page the focus moves to Previous");
  // The filters work with the paging: a uid finds its one row.
  const one = expectedOrder[137];
  await page.type("#report input[type=search]", one.uid);
  await waitText(page, "#report .filter-count", `Showing 1 of ${total}`);
  await waitText(page, "#report .paged .page-info", "Rows 1–1 of 1");
  check(await page.$eval("#report .paged .pager", (p) => p.hidden), "no pager for one row");
  await page.$eval("#report input[type=search]", (el) => {
    el.value = "";
    el.dispatchEvent(new Event("input"));
  });
  await page.select("#report select[name=issue]", "Status mismatch");
  await waitText(page, "#report .filter-count", `Showing all ${total}`);
  await waitText(page, "#report .paged .page-info", `Rows 1–${PAGE_ROWS} of ${total}`);
  log(`report: ${total} discrepancies grouped, paged by ${PAGE_ROWS}, in NFT number order`);
}

/** The Download CSV button: a file with a header and a row per discrepancy. */
async function csvCheck(page, total) {
  const dir = path.join(out(), "downloads");
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(dir, {recursive: true});
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", {behavior: "allow", downloadPath: dir});
  const logId = await page.$eval("#report", (el) => el.dataset.syncLogId);
  await page.click("#discrepancies-csv");
  const file = path.join(dir, `sync-${logId}-discrepancies.csv`);
  const until = Date.now() + 15000;
  while (!fs.existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  check(fs.existsSync(file), `the CSV was not downloaded to ${file}`);
  const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
  eq(lines[0], '"nft_uid","nft_name","issue","db_status","nmkr_status"', "the CSV's header");
  eq(lines.length - 1, total, "rows of the CSV");
  check(lines.slice(1).every((l) => l.includes('"Status mismatch"')), "every CSV row is a status mismatch");
  log(`CSV: ${lines.length - 1} rows (${file})`);
}

/** NMKR refuses the key: the report leads with what failed and what to check. */
async function failedSync(page, nmkr) {
  const previous = await page.$eval("#report", (el) => el.dataset.syncLogId);
  await http("POST", `${nmkr}/__fake/faults`, {endpoint: "*", status: 401, times: -1});
  await page.click("#sync-button");
  await page.waitForFunction((prev) => {
    const r = document.querySelector("#report");
    return document.querySelector("#sync-force") ||
      (r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-button").disabled);
  }, {timeout: 30000}, previous);
  if (await page.$("#sync-force")) await page.click("#sync-force");
  await page.waitForFunction((prev) => {
    const r = document.querySelector("#report");
    return r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-button").disabled;
  }, {timeout: 30000}, previous);
  await waitText(page, "#report .sync-failed", "The sync failed: nothing was changed");
  await waitText(page, "#report .sync-failed", "What to check");
  await waitText(page, "#report .sync-failed .advice", "NMKR_API_KEY");
  const first = await page.$eval("#report", (r) => r.querySelector(".report-head").nextElementSibling.className);
  check(first.includes("sync-failed"), `the failure comes first in the report (then ${first})`);
  eq(await page.$$eval("#report .stats-card, #report table.discrepancies, #report table.updates",
    (els) => els.length), 0, "no counts or tables in a failed sync's report");
  await http("DELETE", `${nmkr}/__fake/faults`);
  await both(page, "03-sync-failed", "#report .sync-failed");
  log(`failed sync: ${await textOf(page, "#report .sync-failed .advice")}`);
}

// ---- The inventory, the review queue and the drawer, by keyboard ------------------

/** Follow a section link (Sync, Inventory, Review …) with the keyboard. */
async function tabToSection(page, tab, back = false) {
  await tabTo(page, `.tabs a[data-tab="${tab}"]`, {back, max: 60});
  await page.keyboard.press("Enter");
  await page.waitForFunction((t) => location.hash.split("?")[0].endsWith(`/${t}`), {}, tab);
}

/** Replace the search box's text by typing (the box has the focus). */
async function typeSearch(page, q) {
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(q);
  await page.waitForFunction((want) => {
    const p = new URLSearchParams(location.hash.split("?")[1] || "");
    return p.get("q") === want && document.querySelector(".inventory-table:not([aria-busy])") &&
      document.querySelector(".inventory-summary")?.textContent.includes(`Matching “${want}”`);
  }, {}, q);
}

const rowUids = (page) => page.$$eval("table.inventory tbody tr", (rows) => rows.map((r) => r.dataset.uid));

/**
 * The inventory's search on 2,000 NFTs, typed: a uid prefix, a #number and
 * a buyer's wallet, each against what the API answers to the same q.
 */
async function inventorySearch(page, api, campaignId, all, whale) {
  await tabToSection(page, "inventory");
  await page.waitForSelector("table.inventory");
  await tabTo(page, ".panel input[name=q]");
  const byApi = async (q) => (await api("GET", `/api/campaigns/${campaignId}/nfts?limit=100&q=${encodeURIComponent(q)}`))
    .items.map((n) => n.nftUid);
  const prefix = whale.uid.slice(0, 6);
  const prefixed = all.filter((n) => n.uid.startsWith(prefix)).map((n) => n.uid);
  await typeSearch(page, prefix);
  eq(JSON.stringify((await rowUids(page)).sort()), JSON.stringify([...prefixed].sort()),
    `NFTs whose uid starts with ${prefix}`);
  eq(JSON.stringify((await byApi(prefix)).sort()), JSON.stringify([...prefixed].sort()), "the API's uid prefix search");
  await typeSearch(page, `#${whale.number}`);
  eq(await page.$$eval("table.inventory tbody tr", (rows) => rows.map((r) => r.dataset.number).join(",")),
    String(whale.number), `a search for #${whale.number}`);
  await typeSearch(page, WHALE_WALLET);
  eq(JSON.stringify(await rowUids(page)), JSON.stringify([whale.uid]), "a search by the buyer's wallet");
  eq(JSON.stringify(await byApi(WHALE_WALLET)), JSON.stringify([whale.uid]), "the API's wallet search");
  await assertFocusVisible(page, "the search box after the searches");
  log(`search: uid prefix ${prefix} (${prefixed.length}), #${whale.number}, a wallet: each found`);
  await both(page, "04-inventory-search", "table.inventory tbody tr");
}

/**
 * The review queue of 300, by keyboard only: the kind filter, select all,
 * Apply NMKR, a confirmation that names the count; then the database
 * through the API: nothing open, 300 closed, a history row for each NFT.
 */
async function reviewBulk(page, api, campaignId, conflicted) {
  await tabToSection(page, "review", true);
  await page.waitForSelector("table.review");
  await waitText(page, "#review-bulk label", `Select all ${CONFLICTS} open items that match`);
  await waitText(page, ".review-body", `Showing the first 100 of ${CONFLICTS}`);
  await both(page, "05-review", "table.review");
  // Paged: the total from the API (the tab's count, the selection) while
  // one page of rows is loaded; "Load more" brings the rest, a page at a time.
  eq(await page.$$eval("table.review tbody tr", (r) => r.length), 100, "review rows loaded at first");
  await waitText(page, '.tabs a[data-tab="review"] .count-pill', String(CONFLICTS));
  for (let shown = 200; shown <= CONFLICTS; shown += 100) {
    await page.focus("button.review-load-more");
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll("table.review tbody tr").length === n, {}, shown);
    if (shown < CONFLICTS) {
      await waitText(page, ".review-body", `Showing the first ${shown} of ${CONFLICTS}`);
      eq(await page.evaluate(() => document.activeElement?.classList.contains("review-load-more")), true,
        "the focus stays on Load more");
    }
  }
  const ids = await page.$$eval("table.review tbody tr", (r) => r.map((tr) => Number(tr.dataset.reviewId)));
  eq(new Set(ids).size, CONFLICTS, "every review item once after the pages");
  check(ids.every((id, i) => i === 0 || id > ids[i - 1]), "review rows in id order");
  check(!(await page.$("button.review-load-more")), "no Load more after the last page");
  check(!(await page.$eval(".review-body", (el) => el.textContent.includes("Showing the first"))),
    "no 'Showing the first' once all are shown");
  await waitText(page, "#review-bulk label", `Select all ${CONFLICTS} open items that match`);
  await page.focus("#review-title");
  await tabTo(page, ".panel select[name=kind]", {max: 60});
  await page.keyboard.press("ArrowDown");
  await waitText(page, "#review-bulk label", `Select all ${CONFLICTS} open items of kind “sold downgrade” that match`);
  check(page.url().includes("kind=sold_downgrade"), `the kind is kept in the address (${page.url()})`);
  await tabTo(page, "#review-bulk input[name=select-all]");
  await page.keyboard.press("Space");
  check(await page.$eval("#review-bulk input[name=select-all]", (el) => el.checked), "Space selects all");
  await tabTo(page, '[data-bulk="apply_remote"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog[open]");
  await waitText(page, "#confirm-title", `Resolve ${CONFLICTS} review items?`);
  await waitText(page, "#confirm-text", `all ${CONFLICTS} open items of kind “sold downgrade” of Big Drop`);
  await waitText(page, "#confirm-ok", `Apply NMKR: ${CONFLICTS} items`);
  await both(page, "06-review-confirm", "#confirm-dialog[open]", async () => {
    await page.waitForSelector("#review-bulk:not([hidden]) input[name=select-all]", {visible: true});
    await page.click("#review-bulk input[name=select-all]");
    await page.click('[data-bulk="apply_remote"]');
  });
  eq((await api("GET", `/api/campaigns/${campaignId}/review`)).total, CONFLICTS, "nothing resolved before the OK");
  await tabTo(page, "#confirm-ok", {max: 5});
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog:not([open])", {timeout: 60000});
  await waitText(page, "#bulk-result", `Resolved ${CONFLICTS} review items of kind “sold downgrade”: ` +
    "applied NMKR's state.");
  await waitText(page, ".review-body", "Nothing to review");
  eq(await page.evaluate(() => document.activeElement.id), "review-title", "the focus after the bulk resolve");
  // The database, through the API.
  eq((await api("GET", `/api/campaigns/${campaignId}/review`)).total, 0, "open review items after the bulk resolve");
  const closed = (await api("GET", `/api/campaigns/${campaignId}/review?open=0&kind=sold_downgrade&limit=1000`)).items;
  eq(closed.filter((i) => i.resolution === "apply_remote" && i.resolvedAt).length, CONFLICTS,
    "items closed with NMKR's state");
  const counts = (await api("GET", `/api/campaigns/${campaignId}/nfts?limit=1`)).counts;
  eq(JSON.stringify(counts), JSON.stringify({total: NFTS, available: NFTS - CONFLICTS - SOLD_IN_NMKR,
    reserved: CONFLICTS, sold: SOLD_IN_NMKR}), "the counts after NMKR's state was applied");
  let rows = 0;
  await pool(conflicted, 8, async (n) => {
    const nft = await api("GET", `/api/nfts/${n.uid}`);
    const last = nft.history[nft.history.length - 1];
    check(last && last.oldStatus === "sold" && last.newStatus === "reserved" && last.source === "admin" &&
      /review resolved/.test(last.detail || ""), `the history of #${n.number} ends with the resolve ` +
      `(${JSON.stringify(last)})`);
    rows += 1;
  });
  eq(rows, CONFLICTS, "history rows of the bulk resolve");
  log(`review: ${CONFLICTS} items resolved in bulk by keyboard; ${rows} history rows`);
}

/** The drawer of the whale's NFT, by keyboard: Enter opens, Escape closes. */
async function drawer(page, whale) {
  await tabToSection(page, "inventory", true);
  await page.waitForSelector("table.inventory");
  await tabTo(page, ".panel input[name=q]");
  await typeSearch(page, `#${whale.number}`);
  const open = async () => {
    await page.waitForSelector("table.inventory tr.nft-row");
    await page.focus("input[name=q]");
    await tabTo(page, "tr.nft-row", {max: 20});
    await page.keyboard.press("Enter");
    await page.waitForSelector("#nft-drawer[open] .timeline");
  };
  await open();
  const tl = await page.$$eval("#nft-drawer .timeline-item", (items) => items.map((li) =>
    `${li.dataset.from}>${li.dataset.to}:${li.dataset.source}`));
  eq(tl.join(", "), "sold>reserved:admin, available>sold:admin", `the timeline of #${whale.number}, newest first`);
  await waitText(page, "#nft-drawer .timeline-item", "review resolved: apply remote state");
  await both(page, "07-drawer", "#nft-drawer[open] .timeline", open);
  await page.keyboard.press("Escape");
  await page.waitForSelector("#nft-drawer:not([open])");
  eq(await page.evaluate(() => document.activeElement.dataset.number), String(whale.number),
    "the focus is on the row again after Escape");
  log(`drawer of #${whale.number}: ${tl.length} status changes`);
}

// ---- The test ------------------------------------------------------------------

async function main(puppeteer) {
  // CS_SCALE_WEB_DIR serves the page from a folder (serve --web-dir): the
  // page of another commit, to measure its report against the same data.
  const webDir = process.env.CS_SCALE_WEB_DIR ? ["--web-dir", process.env.CS_SCALE_WEB_DIR] : [];
  const {server, nmkr} = await startStack({token: TOKEN, nmkrKey: NMKR_KEY, project: PROJECT,
    nmkrArgs: ["--nfts", String(NFTS), "--sold", "0", "--cache-seconds", "0"], serveArgs: webDir});

  // 2,000 NFTs; the first 300 sold here while NMKR holds them reserved.
  const admin = {Authorization: `Bearer ${TOKEN}`};
  const campaign = await http("POST", `${server}/api/campaigns`, {name: "Big Drop",
    description: "2,000 NFTs, 300 of them in conflict", nmkrProjectId: PROJECT, maxNFTs: NFTS}, admin);
  const imported = await http("POST", `${server}/api/campaigns/${campaign.id}/import`, {source: "nmkr"}, admin);
  eq(imported.inserted, NFTS, "NFTs imported from the fake");
  await http("POST", `${server}/api/campaigns/${campaign.id}/activate`, undefined, admin);
  const fakeNfts = await http("GET", `${nmkr}/__fake/nfts`);
  eq(fakeNfts.length, NFTS, "NFTs in the fake");
  // Spread over the range, and changed in a shuffled order, so that the
  // report's order by NFT number is the page's doing: the NFTs whose number
  // is not a multiple of 6 conflict (the first 300), every 6th of the rest
  // is sold in NMKR (25).
  const all = fakeNfts.map((n, i) => ({uid: n.uid, number: i + 1}));
  const conflicted = all.filter((n) => n.number % 6 !== 0).slice(0, CONFLICTS);
  const soldThere = all.filter((n) => n.number % 6 === 0).slice(0, SOLD_IN_NMKR);
  const shuffled = [...conflicted].sort((a, b) => ((a.number * 7919) % 1009) - ((b.number * 7919) % 1009));
  const whale = conflicted[200];
  await pool(shuffled, 8, async (n) => {
    await http("POST", `${server}/api/nfts/${n.uid}/status`, {status: "sold",
      buyer: n === whale ? WHALE_WALLET : "addr1qxscalebuyer"}, admin);
    await http("POST", `${nmkr}/__fake/nfts/${n.uid}/state`, {state: "reserved", reservedSeconds: 3600});
  });
  await pool(soldThere, 8, (n) => http("POST", `${nmkr}/__fake/nfts/${n.uid}/state`, {state: "sold"}));
  log(`${CONFLICTS} NFTs sold here and reserved in NMKR; ${SOLD_IN_NMKR} sold in NMKR`);
  const expectedOrder = [...conflicted, ...soldThere].sort((a, b) => a.number - b.number);

  const page = await openPage(puppeteer, {timeout: 20000});

  // Sign in, open the campaign.
  await page.goto(`${server}/`, {waitUntil: "networkidle0"});
  await page.waitForSelector("#token");
  await both(page, "00-sign-in", "#token");
  await page.type("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".campaign-card");
  await both(page, "01-campaigns", ".campaign-card");
  await page.goto(`${server}/#/campaigns/${campaign.id}`);
  await page.waitForSelector("#sync-button:not([disabled])");
  await waitText(page, "#sync-report", "not been synced yet");

  // Sync from the page, by keyboard: Tab to the button, Space.
  await tabTo(page, "#sync-button");
  await page.keyboard.press("Space");
  await page.waitForSelector("#report", {timeout: 60000});
  await page.waitForSelector("#sync-button:not([disabled])", {timeout: 60000});
  await page.waitForFunction(() => !document.querySelector("#history-body[aria-busy]") &&
    !document.querySelector("#chain-body[aria-busy]"));
  const height = await documentHeight(page);
  log(`report page: document height ${height} px at 1280 px wide (at most ${MAX_HEIGHT})`);
  if (process.env.CS_SCALE_MEASURE_ONLY) return 0; // the height only (with CS_SCALE_WEB_DIR: another page)
  check(height <= MAX_HEIGHT, `the report page is ${height} px tall at 1280 px wide, over ${MAX_HEIGHT}`);
  assertClean("the report");
  await reportChecks(page, expectedOrder);
  await csvCheck(page, expectedOrder.length);
  await both(page, "02-sync-report", "#report .issue-groups");
  await failedSync(page, nmkr);
  const api = (method, p, body) => http(method, `${server}${p}`, body, admin);
  await inventorySearch(page, api, campaign.id, all, whale);
  await reviewBulk(page, api, campaign.id, conflicted);
  await drawer(page, whale);
  assertClean("the end");
  return 0;
}

await run(main, {axe: true});
