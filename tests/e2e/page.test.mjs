// SPDX-License-Identifier: MIT
// e2e.page: the Campaign Manager page in a real Chromium (puppeteer-core and
// Debian's /usr/bin/chromium), against `campaign-sync serve`, fake-nmkr and fake-blockfrost.
//
// Seeds a campaign through the API, then in the browser: signs in (a wrong
// token first), reads the campaign's counters, syncs and watches the
// progress and the report, changes states in the fake, syncs again and
// finds the discrepancies, the updates, the inventory rows, a live
// reservation countdown and a review item, which it resolves; creates,
// imports (CSV), edits, activates and deletes a second campaign (409
// has_sales, then "delete anyway"); checks 390 px wide; signs out; and ends
// with the server gone. Console errors and failed requests fail the test
// unless the test provoked them. Screenshots go to CS_E2E_OUT.
//
// Environment and exit status: harness.mjs.
import path from "node:path";
import {
  SOURCE, assertClean, assertFocusVisible, assertLabelled, assertNoHorizontalScroll, assertProvokedSeen, check, clickButton, eq,
  expectFailure, http, log, openPage, run, screenshot, setup, sleep, startStack, stopProcess, syncAgain, tabTo,
  text, waitText,
} from "./harness.mjs";

setup("e2e.page", {outDir: "e2e", deadlineMs: 150000});

const TOKEN = "e2e-admin-token-7f3a";
const NMKR_KEY = "e2e-nmkr-key";
const BF_PROJECT = "e2e-blockfrost-project";
const PROJECT = "9e2d000a-ed53-4db4-819b-25cdab41fd47";
const NFTS = 60;
const SOLD = 5;

async function main(puppeteer) {
  const {server, nmkr} = await startStack({token: TOKEN, nmkrKey: NMKR_KEY, project: PROJECT, bfProject: BF_PROJECT,
    nmkrArgs: ["--nfts", String(NFTS), "--sold", String(SOLD), "--latency-ms", "30",
      // The page test changes the fake and syncs at once: NMKR's 20 s result
      // cache (the fake's default) would hide the change (tests/support/fakeproc.c
      // turns it off the same way for the C tests).
      "--cache-seconds", "0"]});

  // Seed through the API: create, import from NMKR, activate.
  const admin = {Authorization: `Bearer ${TOKEN}`};
  const campaign = await http("POST", `${server}/api/campaigns`, {name: "Lab Rat",
    description: "The first commemorative campaign", nmkrProjectId: PROJECT, maxNFTs: 100}, admin);
  const imported = await http("POST", `${server}/api/campaigns/${campaign.id}/import`, {source: "nmkr"}, admin);
  eq(imported.inserted, NFTS, "NFTs imported from the fake");
  await http("POST", `${server}/api/campaigns/${campaign.id}/activate`, undefined, admin);
  const fakeNfts = await http("GET", `${nmkr}/__fake/nfts`);
  const uidOf = (n) => fakeNfts[n - 1].uid; // NFT number n (1-based)

  const page = await openPage(puppeteer);
  let syncPosts = 0;
  page.on("request", (req) => {
    if (req.method() === "POST" && /\/api\/campaigns\/\d+\/sync/.test(req.url())) syncPosts += 1;
  });

  // 1. Sign in: a wrong token first (401, a message), then the right one.
  await page.goto(`${server}/`, {waitUntil: "networkidle0"});
  await page.waitForSelector("#token");
  const csp = await page.evaluate(async () => (await fetch("/")).headers.get("content-security-policy"));
  check(csp && csp.includes("default-src 'self'"), "the page is served with its Content-Security-Policy");
  await screenshot(page, "1280-00-sign-in", false);
  expectFailure("GET", /^\/api\/campaigns$/, 401);
  await page.type("#token", "not-the-token");
  await page.keyboard.press("Enter");
  await waitText(page, "#signin-message", "did not accept");
  await page.type("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".campaign-card");
  eq(await page.evaluate(() => sessionStorage.length), 1, "the token is kept in sessionStorage");
  log("signed in");

  // 2. The campaign list with its counters.
  const card = `.campaign-card[data-campaign-id="${campaign.id}"]`;
  await waitText(page, `${card} h2`, "Lab Rat");
  const legend = await page.$$eval(`${card} .legend li`, (lis) =>
    Object.fromEntries(lis.map((li) => [li.dataset.state, li.querySelector(".legend-count").textContent])));
  eq(JSON.stringify(legend), JSON.stringify({total: "60", available: "55", reserved: "0", sold: "5"}), "card counters");
  await waitText(page, `${card} .capacity-text`, "60 of 100 max NFTs");
  await waitText(page, `${card} .badge`, "active");
  await assertLabelled(page, "campaign list");
  await screenshot(page, "1280-01-campaigns");

  // 3. Sync with the keyboard; see the progress, then the report.
  await page.click(`${card} h2 a`);
  await page.waitForSelector("#sync-button:not([disabled])");
  await waitText(page, "#sync-report", "not been synced yet");
  // Two pages of 50, fetched in parallel: one answers after 0.8 s, the other
  // after 2.5 s, so "page 1 of 2" stands for a while. (The server writes
  // progress at most every 250 ms and drops what the throttle skips.)
  await http("POST", `${nmkr}/__fake/faults`, [{endpoint: "GetNfts", delayMs: 800, times: 1},
    {endpoint: "GetNfts", delayMs: 2500, times: 1}]);
  await page.focus("#sync-button");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter"); // a second press while it runs does nothing
  await page.waitForSelector("#sync-button[disabled]", {timeout: 3000});
  await waitText(page, "#sync-status", "Fetching NFTs from NMKR: page 1 of 2", 5000);
  const bar = await page.$eval("#sync-bar", (b) => `${b.value}/${b.max}`);
  eq(bar, "1/2", "progress bar (pages of 50)");
  check(await page.$eval("#sync-progress", (el) => el.getAttribute("aria-busy") === "true"), "progress is aria-busy");
  await screenshot(page, "1280-02-sync-progress", false);
  await page.waitForSelector("#report", {timeout: 20000});
  await page.waitForSelector("#sync-button:not([disabled])");
  eq(syncPosts, 1, "POSTs to /sync for two presses of Enter");
  const stats = async (side) => page.$$eval(`#report .stats-${side} .stat`, (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.stat, el.querySelector("dd").textContent.replace(/\D/g, "")])));
  eq(JSON.stringify(await stats("nmkr")), JSON.stringify({total: "60", available: "55", reserved: "0", sold: "5"}),
    "report: NMKR side");
  eq(JSON.stringify(await stats("db")), JSON.stringify({total: "60", available: "55", reserved: "0", sold: "5"}),
    "report: database side");
  await waitText(page, "#report", "NMKR and the database agree on every NFT");
  // The sales are on chain: the sync's chain step checked all of them.
  eq(await page.$eval("#report [data-chain=verified] strong", (el) => el.textContent), String(SOLD),
    "report: sold NFTs verified on chain");
  eq(await page.$$eval("#report .badge.chain-verified", (b) => b.length), SOLD, "chain results listed");
  // The coverage card (GET /api/campaigns/{id}/chain), drawn again after the sync.
  await waitText(page, "#chain-summary", `${SOLD} of ${SOLD} sales verified, none pending`);
  await waitText(page, "#sync-status", "Sync done");
  // Healthy syncs, but no webhook registered at NMKR yet: a warning.
  await waitText(page, "#sync-health", "no NMKR webhook is registered");
  await page.waitForSelector("#history-body svg.history-chart rect.chart-duration");
  eq(await page.$$eval("#history-body rect.chart-duration", (r) => r.length), 1, "syncs in the history chart");
  const firstLog = await page.$eval("#report", (el) => el.dataset.syncLogId);
  await screenshot(page, "1280-03-sync-report");
  log("first sync seen");

  // 4. Change states: in the fake (#6 sold, #7 reserved), here (#8 sold, so
  //    NMKR's "free" sends it to review), and a webhook sale of #11.
  await http("POST", `${nmkr}/__fake/nfts/${uidOf(6)}/state`, {state: "sold"});
  await http("POST", `${nmkr}/__fake/nfts/${uidOf(7)}/state`, {state: "reserved", reservedSeconds: 600});
  await http("POST", `${server}/api/nfts/${uidOf(8)}/status`, {status: "sold", buyer: "addr1qxe2e2e2e2buyer"}, admin);
  await http("POST", `${server}/api/campaigns/${campaign.id}/webhook`, {url: `${server}/webhooks/nmkr`}, admin);
  const hook = await http("POST", `${nmkr}/__fake/webhook`, {url: `${server}/webhooks/nmkr`,
    event: "transactionconfirmed", nftUids: [uidOf(11)]});
  eq(hook.status, 200, "the signed webhook was accepted");

  // 5. Sync again.
  await syncAgain(page, firstLog);
  const rowsOf = (selector) => page.$$eval(selector, (rows) =>
    rows.map((r) => [...r.cells].map((c) => c.textContent.replace(/\s+/g, " ").trim()).join(" ")));
  const discrepancies = await rowsOf("#report table.discrepancies tbody tr");
  const listed = discrepancies.join(" | ");
  eq(discrepancies.length, 3, `discrepancies (${listed})`);
  check(discrepancies.some((d) => /Campaign #6 .*Status mismatch available sold/.test(d)), `discrepancy of #6 (${listed})`);
  check(discrepancies.some((d) => /Campaign #7 .*Status mismatch available reserved/.test(d)), `discrepancy of #7 (${listed})`);
  check(discrepancies.some((d) => /Campaign #8 .*Status mismatch sold free/.test(d)), `discrepancy of #8 (${listed})`);
  const updates = (await rowsOf("#report table.updates tbody tr")).join(" | ");
  check(/Campaign #6 available sold applied/.test(updates), `update of #6 listed (${updates})`);
  check(/Campaign #7 available reserved applied/.test(updates), `update of #7 listed (${updates})`);
  await waitText(page, "#report", "review queue");
  await waitText(page, "#report", "Webhook activity (1)");
  // The header's Webhook field says NMKR holds the secret we keep.
  await waitText(page, ".webhook-status", "secret matches NMKR's");
  eq(JSON.stringify(await stats("nmkr")), JSON.stringify({total: "60", available: "52", reserved: "1", sold: "7"}),
    "report after the changes: NMKR side");
  // The filter: by text, then by issue.
  const searchBox = await page.$("#report input[type=search]");
  await searchBox.type("#8");
  await waitText(page, "#report .filter-count", "Showing 1 of 3");
  await page.$eval("#report input[type=search]", (el) => {
    el.value = "";
    el.dispatchEvent(new Event("input"));
  });
  await page.select("#report select[name=issue]", "Status mismatch");
  await waitText(page, "#report .filter-count", "Showing all 3");
  eq(await page.$$eval("#history-body rect.chart-duration", (r) => r.length), 2, "syncs in the history chart");
  await screenshot(page, "1280-04-report-after-changes");
  log("second sync seen");

  // 5a. 60 NFTs are cheaper to walk than to list by state, and the report
  //     says so; a full walk on demand says it was asked for.
  await waitText(page, "#report-mode", "Full walk: the state lists would cost as many requests as the walk");
  const walkedFrom = await page.$eval("#report", (el) => el.dataset.syncLogId);
  await page.click("#sync-full-button");
  await page.waitForFunction((prev) => {
    const r = document.querySelector("#report");
    return r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-full-button").disabled;
  }, {timeout: 20000}, walkedFrom);
  await waitText(page, "#report-mode", "Full walk: a full walk was asked for");
  await waitText(page, "#report-mode", "NMKR requests");
  log("full walk seen");

  // 5b. NMKR fails: the report says so, nothing changes, health is "error".
  const secondLog = await page.$eval("#report", (el) => el.dataset.syncLogId);
  await http("POST", `${nmkr}/__fake/faults`, {endpoint: "GetNfts", status: 500, times: -1});
  await syncAgain(page, secondLog);
  await waitText(page, "#report .sync-failed", "The sync failed: nothing was changed");
  await waitText(page, "#report .sync-failed", "HTTP 500");
  await waitText(page, "#sync-status", "Sync failed");
  await waitText(page, "#sync-health", "error");
  await page.waitForSelector("#history-body rect.chart-duration.status-failed");
  await http("DELETE", `${nmkr}/__fake/faults`);
  await screenshot(page, "1280-04b-sync-failed");
  log("failed sync seen");


  // 6. Inventory: sold, then reserved (a countdown that ticks), then paging.
  await page.click('.tabs a[data-tab="inventory"]');
  await page.waitForSelector("table.inventory");
  await page.select(".panel select[name=status]", "sold");
  await page.waitForFunction(() => document.querySelector("table.inventory caption")?.textContent.includes("(sold)"));
  const sold = await page.$$eval("table.inventory tbody tr", (rows) => rows.map((r) => ({
    n: Number(r.dataset.number), status: r.dataset.status,
    buyer: r.querySelector(".buyer").textContent.trim(), soldAt: r.querySelector(".sold-at").textContent.trim()})));
  eq(sold.map((r) => r.n).join(","), "1,2,3,4,5,6,8,11", "sold NFTs in the inventory");
  check(sold.every((r) => r.status === "sold" && r.soldAt !== "—"), "every sold NFT shows its sale time");
  check(sold.find((r) => r.n === 11).buyer.startsWith("addr1"), "the webhook's buyer is shown for #11");
  check(sold.find((r) => r.n === 8).buyer.startsWith("addr1qxe2e2e2"), "the buyer set by hand is shown for #8");
  check(page.url().endsWith("/inventory?status=sold"), `the filter is kept in the address (${page.url()})`);
  await page.select(".panel select[name=status]", "reserved");
  await page.waitForFunction(() => document.querySelector("table.inventory caption")?.textContent.includes("(reserved)"));
  const before = await text(page, 'tr[data-number="7"] .countdown');
  check(/^\d+:\d\d left$/.test(before), `countdown of #7 reads "${before}"`);
  await sleep(2100);
  const after = await text(page, 'tr[data-number="7"] .countdown');
  check(after !== before, `the countdown ticks ("${before}" then "${after}")`);
  await screenshot(page, "1280-05-inventory-reserved");
  await page.select(".panel select[name=status]", "");
  await page.waitForFunction(() => document.querySelectorAll("table.inventory tbody tr").length === 25);
  await clickButton(page, ".pager", "Next page");
  await waitText(page, "table.inventory caption", "page 2");
  eq(await page.$eval("table.inventory tbody tr", (r) => r.dataset.number), "26", "first NFT of page 2");
  await clickButton(page, ".pager", "Next page");
  await waitText(page, "table.inventory caption", "page 3");
  check(await page.$eval(".pager-next", (b) => b.disabled), "no page after the last");
  await clickButton(page, ".pager", "Previous page");
  await waitText(page, "table.inventory caption", "page 2");
  // Search: a number, then the buyer set by hand on #8 (a whole wallet).
  await page.type(".panel input[name=q]", "#11");
  await page.waitForFunction(() => document.querySelectorAll("table.inventory tbody tr").length === 1);
  eq(await page.$eval("table.inventory tbody tr", (r) => r.dataset.number), "11", "a search by number finds #11");
  check(page.url().includes("q=%2311"), `the search is kept in the address (${page.url()})`);
  await page.$eval(".panel input[name=q]", (el) => { el.value = ""; });
  await page.type(".panel input[name=q]", "nothing-matches-this");
  await waitText(page, ".inventory-table", "No NFT matches");
  await page.$eval(".panel input[name=q]", (el) => { el.value = ""; el.dispatchEvent(new Event("input")); });
  await page.waitForFunction(() => document.querySelectorAll("table.inventory tbody tr").length === 25);
  // Download CSV: the blob handed to the browser is the inventory as CSV.
  // (The blob and the link's click are caught: a headless download would
  // leave the page.)
  await page.evaluate(() => {
    URL.createObjectURL = (blob) => { window.__csv = blob; return "blob:caught"; };
    URL.revokeObjectURL = () => {};
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      if (this.href !== "blob:caught") return click.call(this);
      window.__csvName = this.download;
    };
  });
  await clickButton(page, ".panel-head", "Download CSV");
  await page.waitForFunction(() => window.__csv !== undefined && window.__csvName !== undefined);
  eq(await page.evaluate(() => window.__csvName), "campaign-1-inventory.csv", "the download's name");
  const csv = await page.evaluate(() => window.__csv.text());
  const csvLines = csv.trim().split("\n");
  check(csvLines[0].startsWith('"number","uid","name","status"'), `the CSV's header (${csvLines[0]})`);
  check(csvLines.length > 25 && csvLines[1].startsWith('"1",'), `the CSV has every NFT (${csvLines.length - 1} rows)`);
  await assertLabelled(page, "inventory");
  log("inventory seen");

  // 7. The review queue, by keyboard only: Tab to the section and to the
  //    item's Apply NMKR, Enter; Escape closes the dialog; Space opens it
  //    again, Tab to its OK, Enter; the focus lands on the queue's heading.
  await tabTo(page, '.tabs a[data-tab="review"]', {back: true, max: 60});
  await page.keyboard.press("Enter");
  await page.waitForSelector("table.review");
  await waitText(page, '.tabs a[data-tab="review"]', "1 open");
  await waitText(page, "table.review tbody", "Campaign #8");
  await waitText(page, "table.review tbody", "sold downgrade");
  await screenshot(page, "1280-06-review");
  await tabTo(page, 'table.review [data-resolve="apply_remote"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog[open]");
  await waitText(page, "#confirm-text", "sets it to available");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#confirm-dialog:not([open])");
  check(await page.evaluate(() => document.activeElement.textContent.startsWith("Apply NMKR")),
    "focus returns to the button after Escape");
  await assertFocusVisible(page, "Apply NMKR after Escape");
  await page.keyboard.press("Space");
  await page.waitForSelector("#confirm-dialog[open]");
  await tabTo(page, "#confirm-ok", {max: 5});
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog:not([open])");
  await waitText(page, ".review-body", "Nothing to review");
  await waitText(page, "#messages", "resolved");
  eq(await page.evaluate(() => document.activeElement.id), "review-title", "the focus after the last item's resolve");
  const eight = await http("GET", `${server}/api/nfts/${uidOf(8)}`, undefined, admin);
  eq(eight.status, "available", "#8 after apply_remote");
  log("review item resolved");

  // 8. The webhooks received.
  await page.click('.tabs a[data-tab="webhooks"]');
  await page.waitForSelector("table.webhooks");
  await waitText(page, "table.webhooks tbody", "transactionconfirmed");
  await waitText(page, "table.webhooks tbody", "applied");
  // Rotate the webhook secret from the page: the old one stays accepted
  // for the grace, NMKR holds the new one.
  await clickButton(page, ".panel-head", "Rotate the secret");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#confirm-dialog:not([open])");
  await waitText(page, "#messages", "new webhook secret");
  const hookStatus = await http("GET", `${server}/api/campaigns/${campaign.id}/webhook`, undefined, admin);
  check(hookStatus.secretMatches && hookStatus.previousAccepted, "rotated: NMKR holds ours, the old one in its grace");
  await waitText(page, ".webhook-status", "secret matches NMKR's");

  // 9. A second campaign from the page: create, import a CSV, activate,
  //    edit; then delete it (it has a sale: 409 has_sales, delete anyway).
  await page.click(".breadcrumb a");
  await page.waitForSelector(".campaign-card");
  await clickButton(page, ".page-head", "New campaign");
  await page.waitForSelector("#campaign-dialog[open]");
  await page.type("#cf-name", "Pilot Program");
  // The CSV below is an export of PROJECT: its payment links say so.
  await page.type("#cf-project", PROJECT);
  await page.select("#cf-network", "preprod");
  await page.type("#cf-max", "200");
  await assertLabelled(page, "campaign dialog");
  await page.click("#campaign-form-submit");
  await page.waitForSelector("#campaign-dialog:not([open])");
  await waitText(page, ".campaign-head h1", "Pilot Program");
  const pilotId = Number(page.url().match(/campaigns\/(\d+)/)[1]);
  await clickButton(page, ".campaign-head", "Import CSV");
  await page.waitForSelector("#csv-dialog[open]");
  const fileInput = await page.$("#csv-file");
  await fileInput.uploadFile(path.join(SOURCE, "tests/fixtures/csv/lab-rat-100.csv"));
  await page.click("#csv-form button[type=submit]");
  await page.waitForSelector("#csv-dialog:not([open])");
  await waitText(page, "#messages", "Imported 100 new NFTs");
  await waitText(page, ".campaign-head .legend", "100 NFTs");
  await clickButton(page, ".campaign-head", "Activate");
  await waitText(page, ".campaign-head .card-head .badge", "active");
  await clickButton(page, ".campaign-head", "Edit");
  await page.waitForSelector("#campaign-dialog[open]");
  eq(await page.$eval("#cf-name", (el) => el.value), "Pilot Program", "the edit form is filled in");
  await page.type("#cf-description", "Pilots of the first season");
  await page.click("#campaign-form-submit");
  await page.waitForSelector("#campaign-dialog:not([open])");
  await waitText(page, ".campaign-head .description", "Pilots of the first season");
  const pilotNft = (await http("GET", `${server}/api/campaigns/${pilotId}/nfts?limit=1`, undefined, admin)).items[0];
  await http("POST", `${server}/api/nfts/${pilotNft.nftUid}/status`, {status: "sold"}, admin);
  expectFailure("DELETE", new RegExp(`^/api/campaigns/${pilotId}$`), 409);
  await clickButton(page, ".campaign-head", "Delete");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await waitText(page, "#confirm-error", "sold");
  await waitText(page, "#confirm-ok", "Delete anyway");
  await screenshot(page, "1280-07-delete-has-sales", false);
  await page.click("#confirm-ok");
  await page.waitForSelector("#confirm-dialog:not([open])");
  await page.waitForSelector(".campaign-card");
  await waitText(page, "#messages", "Deleted Pilot Program");
  eq(await page.$$eval(".campaign-card", (c) => c.length), 1, "campaigns after the delete");
  log("second campaign created, imported, edited and deleted");
  assertClean("at 1280 px");

  // 10. 390 px wide: no sideways scrolling of the page; tables scroll inside.
  await page.setViewport({width: 390, height: 844, isMobile: true, hasTouch: true});
  await page.reload({waitUntil: "networkidle0"});
  await page.waitForSelector(".campaign-card");
  await assertNoHorizontalScroll(page, "campaigns at 390 px");
  await screenshot(page, "390-01-campaigns");
  await page.goto(`${server}/#/campaigns/${campaign.id}`, {waitUntil: "networkidle0"});
  await page.waitForSelector("#report");
  await waitText(page, "#report h3", "Last sync");
  await waitText(page, "#report", "The sync failed");
  // The history as a table; the report of the second sync from there.
  await page.click("#history-body summary");
  const reportButtons = await page.$$("#history-body tbody button");
  eq(reportButtons.length, 4, "syncs with a report in the history table");
  await reportButtons[2].click(); // the second (newest first: failed, full walk, second, first)
  await waitText(page, "#report h3", "Report of the sync at");
  await page.waitForSelector("#report table.discrepancies");
  await assertNoHorizontalScroll(page, "sync report at 390 px");
  const scrolls = await page.$eval("#report .table-wrap", (w) => w.scrollWidth > w.clientWidth);
  check(scrolls, "the discrepancies table scrolls inside its box at 390 px");
  await screenshot(page, "390-02-sync-report");
  await page.click('.tabs a[data-tab="inventory"]');
  await page.waitForSelector("table.inventory");
  await assertNoHorizontalScroll(page, "inventory at 390 px");
  await screenshot(page, "390-03-inventory", false);
  await page.click('.tabs a[data-tab="review"]');
  await page.waitForSelector(".review-body:not([aria-busy])");
  await page.click(".panel input[type=checkbox]"); // show resolved items too
  await page.waitForSelector("table.review");
  await waitText(page, "table.review tbody", "apply_remote");
  await assertNoHorizontalScroll(page, "review queue at 390 px");
  await screenshot(page, "390-04-review");
  assertClean("at 390 px");

  // 11. A token the server refuses sends the page back to sign-in; sign out.
  await page.setViewport({width: 1280, height: 800});
  await page.goto(`${server}/#/`, {waitUntil: "networkidle0"});
  await page.waitForSelector(".campaign-card");
  await page.evaluate(() => sessionStorage.setItem("campaign-sync.adminToken", "changed-meanwhile"));
  await clickButton(page, ".page-head", "Refresh");
  await waitText(page, "#signin-message", "no longer accepts");
  await page.type("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".campaign-card");
  await page.click("#sign-out");
  await waitText(page, "#signin-message", "signed out");
  eq(await page.evaluate(() => sessionStorage.length), 0, "sessionStorage after signing out");

  // 12. The server goes away: the page says so (no blank page).
  await page.type("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".campaign-card");
  await stopProcess("serve");
  expectFailure("GET", /^\/api\/campaigns$/, "network");
  await clickButton(page, ".page-head", "Refresh");
  await waitText(page, ".campaign-list", "Cannot reach the campaign-sync server");
  check(await page.$eval(".campaign-list button", (b) => b.textContent === "Try again"), "a Try again button");
  await screenshot(page, "1280-08-server-gone", false);

  assertClean("at the end");
  assertProvokedSeen();
  return 0;
}

await run(main);
