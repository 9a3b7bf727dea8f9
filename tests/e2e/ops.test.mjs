// SPDX-License-Identifier: MIT
// e2e.ops: the operator's screens at scale in a real Chromium (puppeteer-core
// and Debian's /usr/bin/chromium), against `campaign-sync serve`, fake-nmkr
// and fake-blockfrost.
//
// The campaign list's cards (health, open reviews, the last sync's result
// and age, webhook registration, a Sync button), the sales and counts over
// time beside the sync history (chart and table), the alerts sent about a
// campaign (rows written into serve's database as its sweeper would; axe
// at 1280 and 390 px), the review queue resolved
// in bulk after a confirmation that says how many (the database checked
// through the API after), the inventory's page jump and the NFT drawer
// (timeline, chain check, no pay link once sold; opened with Enter,
// closed with Escape, the focus back on the row). Screenshots at 1280 and
// 390 px go to CS_E2E_OUT. Console errors and failed requests fail the test
// unless the test provoked them.
//
// Environment and exit status: harness.mjs.
import {
  assertClean, assertLabelled, assertNoHorizontalScroll, assertProvokedSeen, axe, check, clickButton, dbExec, eq, http,
  log, openPage, run, screenshot, setup, startStack, tabTo, text, waitText,
} from "./harness.mjs";

setup("e2e.ops", {outDir: "e2e-ops", deadlineMs: 150000});

const TOKEN = "e2e-ops-admin-token-41c9";
const NMKR_KEY = "e2e-nmkr-key";
const BF_PROJECT = "e2e-blockfrost-project";
const PROJECT = "9e2d000a-ed53-4db4-819b-25cdab41fd47";
const NFTS = 120;
const SOLD = 5;
const REVIEWS = 30; // NFTs sold here that NMKR shows free: review items

/** The text of a card's fact (data-fact) or part, whitespace folded. */
async function cardText(page, card, selector) {
  return text(page, `${card} ${selector}`);
}

async function main(puppeteer) {
  const {server, nmkr} = await startStack({token: TOKEN, nmkrKey: NMKR_KEY, project: PROJECT, bfProject: BF_PROJECT,
    nmkrArgs: ["--nfts", String(NFTS), "--sold", String(SOLD), "--cache-seconds", "0"]});

  // Seed through the API: Lab Rat (imported, synced, its webhook
  // registered, then REVIEWS NFTs sold here that NMKR shows free, synced
  // into the review queue) and Empty Shelf (never synced, no webhook).
  const admin = {Authorization: `Bearer ${TOKEN}`};
  const api = (method, p, body) => http(method, `${server}${p}`, body, admin);
  const lab = await api("POST", "/api/campaigns", {name: "Lab Rat", nmkrProjectId: PROJECT, maxNFTs: 200});
  eq((await api("POST", `/api/campaigns/${lab.id}/import`, {source: "nmkr"})).inserted, NFTS, "NFTs imported");
  await api("POST", `/api/campaigns/${lab.id}/activate`);
  const shelf = await api("POST", "/api/campaigns", {name: "Empty Shelf", nmkrProjectId: PROJECT, maxNFTs: 10});
  await api("POST", `/api/campaigns/${lab.id}/sync`);
  await api("POST", `/api/campaigns/${lab.id}/webhook`, {url: `${server}/webhooks/nmkr`});
  const fakeNfts = await http("GET", `${nmkr}/__fake/nfts`);
  const uidOf = (n) => fakeNfts[n - 1].uid;
  for (let n = 10; n < 10 + REVIEWS; n++) {
    await api("POST", `/api/nfts/${uidOf(n)}/status`, {status: "sold", buyer: `addr1qxopsbuyer${n}`});
  }
  await api("POST", `/api/campaigns/${lab.id}/sync?force=1`);
  eq((await api("GET", `/api/campaigns/${lab.id}/review`)).total, REVIEWS, "open review items seeded");

  const page = await openPage(puppeteer, {height: 900});

  // 1. Sign in; the cards.
  await page.goto(`${server}/`, {waitUntil: "networkidle0"});
  await page.waitForSelector("#token");
  await page.type("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".campaign-card");
  const labCard = `.campaign-card[data-campaign-id="${lab.id}"]`;
  const shelfCard = `.campaign-card[data-campaign-id="${shelf.id}"]`;
  eq(await page.$eval(labCard, (c) => c.dataset.health), "warning", "Lab Rat's health on its card");
  eq(await cardText(page, labCard, ".health-reason"), "review items are open", "Lab Rat's reason");
  eq(await cardText(page, labCard, '[data-fact="reviews"] dd'), `${REVIEWS} open in the review queue of Lab Rat`,
    "Lab Rat's open reviews");
  eq(await cardText(page, labCard, '[data-fact="webhook"] dd'), "registered", "Lab Rat's webhook");
  eq(await cardText(page, labCard, '[data-fact="last-sync"] dd'), "success just now", "Lab Rat's last sync");
  eq(await page.$eval(shelfCard, (c) => c.dataset.health), "warning", "Empty Shelf's health");
  eq(await cardText(page, shelfCard, ".health-reason"), "never synced", "Empty Shelf's reason");
  eq(await cardText(page, shelfCard, '[data-fact="last-sync"] dd'), "never synced", "Empty Shelf's last sync");
  eq(await cardText(page, shelfCard, '[data-fact="reviews"] dd'), "none", "Empty Shelf's open reviews");
  check((await cardText(page, shelfCard, '[data-fact="webhook"] dd')).startsWith("not registered"),
    "Empty Shelf's webhook is not registered");
  // The card and the campaign's /health say the same.
  const labHealth = await api("GET", `/api/campaigns/${lab.id}/health`);
  eq(labHealth.status, "warning", "Lab Rat's /health");
  eq(labHealth.openReviews, REVIEWS, "Lab Rat's /health open reviews");
  // Relative times, as the cards say them.
  const ago = await page.evaluate(async () => {
    const dom = await import("/dom.js");
    const now = Date.now();
    return [dom.fmtAgo(now - 3 * 60000, now), dom.fmtAgo(now - 5 * 3600000, now), dom.fmtAgo(now - 3 * 86400000, now)];
  });
  eq(ago.join(" | "), "3 min ago | 5 h ago | 3 days ago", "relative times");
  await assertLabelled(page, "campaign list");
  await screenshot(page, "1280-ops-01-campaigns");

  // A failed sync: its card says "failed just now", health error.
  await http("POST", `${nmkr}/__fake/faults`, {endpoint: "GetNfts", status: 500, times: -1});
  await api("POST", `/api/campaigns/${lab.id}/sync?force=1`);
  await http("DELETE", `${nmkr}/__fake/faults`);
  await clickButton(page, ".page-head", "Refresh");
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.health === "error", {}, labCard);
  eq(await cardText(page, labCard, '[data-fact="last-sync"] dd'), "failed just now", "a failed sync on the card");
  eq(await cardText(page, labCard, ".health-reason"), "the last sync failed", "the failed sync's reason");
  await screenshot(page, "1280-ops-02-campaign-failed");
  log("cards seen");

  // 2. Sync from a card. Lab Rat's last sync ended a moment ago, so the
  //    server answers with its report (debounced); Empty Shelf was never
  //    synced, so its sync starts and its page follows it to the report.
  // Lab Rat's by keyboard: Tab to its Sync, Enter.
  await tabTo(page, `${labCard} [data-action="sync"]`, {max: 60});
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => location.hash === `#/campaigns/${id}`, {}, lab.id);
  await page.waitForFunction(() => /synced less than 10 seconds ago|Sync of Lab Rat started/
    .test(document.querySelector("#messages").textContent), {timeout: 10000});
  const debounced = (await text(page, "#messages")).includes("Lab Rat was synced less than 10 seconds ago");
  if (!debounced) log("the failed sync was over 10 s old (a slow machine): Lab Rat synced again");
  await page.waitForSelector("#report", {timeout: 20000});
  await page.waitForSelector("#sync-button:not([disabled])", {timeout: 20000});
  // Synced again, the failed sync is still among the last ten: a warning
  // for it comes before the open reviews (core/health.c).
  await waitText(page, "#sync-health",
    debounced ? "the last sync failed" : "a recent sync failed or was partial");
  await page.click(".breadcrumb a");
  await page.waitForSelector(shelfCard);
  await clickButton(page, shelfCard, "Sync");
  await page.waitForFunction((id) => location.hash === `#/campaigns/${id}`, {}, shelf.id);
  await waitText(page, "#messages", "Sync of Empty Shelf started");
  await page.waitForSelector("#report", {timeout: 20000});
  await page.waitForSelector("#sync-button:not([disabled])", {timeout: 20000});
  await page.click(".breadcrumb a");
  await page.waitForSelector(shelfCard);
  check(/^(success|partial|failed) just now$/.test(await cardText(page, shelfCard, '[data-fact="last-sync"] dd')),
    "Empty Shelf's card shows its first sync");
  // Alerts, as serve's sweeper stores them once a minute (one sent, one
  // the receiver refused), written straight into its database.
  const t0 = Date.now() - 120000;
  dbExec("INSERT INTO alerts (campaign_id, cause, text, sent_at, delivered, error) VALUES " +
    `(${lab.id}, 'sync_failed', 'campaign-sync: the sync of Lab Rat failed: HTTP 500', ${t0}, 1, NULL), ` +
    `(${lab.id}, 'new_reviews', 'campaign-sync: ${REVIEWS} new review items in Lab Rat', ${t0 + 60000}, 0, ` +
    "'HTTP 503')");
  await page.goto(`${server}/#/campaigns/${lab.id}`, {waitUntil: "networkidle0"});
  await page.waitForSelector("#report", {timeout: 20000});
  log("synced from the cards");

  // The alerts sent about the campaign, newest first, the refused one with why.
  await page.waitForSelector("#alerts-body table.alerts");
  const alerts = await page.$$eval("#alerts-body table.alerts tbody tr", (rows) => rows.map((r) =>
    `${r.dataset.cause}:${r.dataset.delivered}:${r.cells[3].textContent.trim()}`));
  eq(alerts.join(" | "), "new_reviews:false:no: HTTP 503 | sync_failed:true:yes", "the alerts listed");
  await waitText(page, "#alerts-body", `${REVIEWS} new review items in Lab Rat`);
  const listed = await api("GET", `/api/campaigns/${lab.id}/alerts`);
  eq(listed.length, 2, "alerts the API lists");
  await page.$eval("#alerts-section", (el) => el.scrollIntoView());
  await screenshot(page, "1280-ops-02c-alerts", false);
  await axe(page, "the sync tab with alerts at 1280 px");
  log("alerts seen");

  // Pictures: sales and the counts over time, beside the sync history,
  // with a table: SOLD sales at import and REVIEWS by hand.
  await page.waitForSelector("#series-body svg.series-chart rect.chart-sales");
  await page.click("#series-body summary");
  const series = await page.$$eval("#series-body table.series tbody tr", (rows) => rows.map((r) =>
    [...r.cells].slice(1).map((c) => Number(c.textContent.replace(/\D/g, "")))));
  eq(series.reduce((sum, r) => sum + r[0], 0), SOLD + REVIEWS, "sales in the series table");
  eq(series[0].slice(1).join(","), `${NFTS - SOLD - REVIEWS},0,${SOLD + REVIEWS}`,
    "available, reserved, sold now (the newest period)");
  check(await page.$eval("#series-body svg.series-chart", (el) => el.getAttribute("aria-labelledby") !== null),
    "the series chart is named");
  await page.$eval("#series-section", (el) => el.scrollIntoView());
  await screenshot(page, "1280-ops-02b-series", false);
  log("series seen");

  // 3. The review queue in bulk: kind filter, select all, confirm (Escape
  //    first: nothing changes), then the count and the database.
  await page.click('.tabs a[data-tab="review"]');
  await page.waitForSelector("table.review");
  await waitText(page, "#review-bulk label", `Select all ${REVIEWS} open items that match`);
  check(await page.$eval('[data-bulk="keep_local"]', (b) => b.disabled), "bulk buttons wait for the selection");
  await page.select(".panel select[name=kind]", "sold_downgrade");
  await waitText(page, "#review-bulk label", `Select all ${REVIEWS} open items of kind “sold downgrade” that match`);
  check(page.url().includes("kind=sold_downgrade"), `the kind is kept in the address (${page.url()})`);
  eq(await page.$$eval("table.review tbody tr", (r) => r.length), REVIEWS, "rows of the kind");
  await page.click("#review-bulk input[name=select-all]");
  check(!(await page.$eval('[data-bulk="keep_local"]', (b) => b.disabled)), "bulk buttons after select all");
  await assertLabelled(page, "review queue");
  await page.click('[data-bulk="keep_local"]');
  await page.waitForSelector("#confirm-dialog[open]");
  await waitText(page, "#confirm-title", `Resolve ${REVIEWS} review items?`);
  await waitText(page, "#confirm-text", `all ${REVIEWS} open items of kind “sold downgrade” of Lab Rat`);
  await waitText(page, "#confirm-ok", `Keep local: ${REVIEWS} items`);
  await screenshot(page, "1280-ops-03-review-confirm", false);
  await page.keyboard.press("Escape");
  await page.waitForSelector("#confirm-dialog:not([open])");
  eq((await api("GET", `/api/campaigns/${lab.id}/review`)).total, REVIEWS, "nothing resolved after Escape");
  await page.click('[data-bulk="keep_local"]');
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#confirm-dialog:not([open])");
  await waitText(page, "#bulk-result", `Resolved ${REVIEWS} review items of kind “sold downgrade”: kept local.`);
  eq(await page.$eval("#bulk-result", (el) => el.dataset.resolved), String(REVIEWS), "the confirmed count");
  await waitText(page, ".review-body", "Nothing to review");
  eq((await api("GET", `/api/campaigns/${lab.id}/review`)).total, 0, "open items after the bulk resolve");
  const closed = (await api("GET", `/api/campaigns/${lab.id}/review?open=0&limit=1000`)).items;
  eq(closed.filter((i) => i.resolution === "keep_local" && i.resolvedAt).length, REVIEWS, "items kept local");
  eq((await api("GET", `/api/nfts/${uidOf(10)}`)).status, "sold", "#10 kept sold here");
  check(await page.$eval("#review-bulk", (el) => el.hidden), "no bulk bar with nothing open");
  await screenshot(page, "1280-ops-04-review-resolved");
  log("bulk resolve seen");

  // 4. Inventory: jump to a page, then back and on.
  await page.click('.tabs a[data-tab="inventory"]');
  await page.waitForSelector("table.inventory");
  await waitText(page, ".page-info", `Page 1 of ${Math.ceil(NFTS / 25)}`);
  await page.$eval(".panel input[name=page]", (el) => { el.value = ""; });
  await page.type(".panel input[name=page]", "4");
  await page.keyboard.press("Enter");
  await waitText(page, "table.inventory caption", "page 4");
  eq(await page.$eval("table.inventory tbody tr", (r) => r.dataset.number), "76", "first NFT of page 4");
  check(page.url().includes("page=4"), `the page is kept in the address (${page.url()})`);
  await clickButton(page, ".pager", "Previous page");
  await waitText(page, "table.inventory caption", "page 3");
  eq(await page.$eval("table.inventory tbody tr", (r) => r.dataset.number), "51", "first NFT of page 3");
  await clickButton(page, ".pager", "Next page");
  await waitText(page, "table.inventory caption", "page 4");
  eq(await page.$eval("table.inventory tbody tr", (r) => r.dataset.number), "76", "page 4 again");
  await page.select(".panel select[name=status]", "sold");
  await waitText(page, "table.inventory caption", "(sold), page 1");
  await waitText(page, ".page-info", "Page 1 of 2");
  await page.$eval(".panel input[name=page]", (el) => { el.value = ""; });
  await page.type(".panel input[name=page]", "2");
  await page.keyboard.press("Enter");
  await waitText(page, "table.inventory caption", "(sold), page 2");
  eq(await page.$$eval("table.inventory tbody tr", (r) => r.map((x) => x.dataset.number).join(",")),
    Array.from({length: SOLD + REVIEWS - 25}, (_, i) => String(10 + 25 - SOLD + i)).join(","), "sold NFTs of page 2");
  await assertLabelled(page, "inventory");
  log("page jump seen");

  // 5. The drawer of a sold NFT (#10: sold here by hand, kept in review):
  //    its timeline, its chain check, no pay link.
  await page.select(".panel select[name=status]", "");
  await waitText(page, ".page-info", "Page 1 of");
  const name10 = await text(page, 'tr[data-number="10"] th');
  await page.click('tr[data-number="10"] th');
  await page.waitForSelector("#nft-drawer[open]");
  await page.waitForSelector("#nft-drawer-body .timeline, #nft-drawer-body .error-box");
  eq(await text(page, "#nft-drawer-title"), name10, "the drawer's title");
  const tl = await page.$$eval("#nft-drawer .timeline-item", (items) => items.map((li) =>
    `${li.dataset.from}>${li.dataset.to}:${li.dataset.source}`));
  eq(tl[0], "available>sold:admin", `the newest change of #10 (${tl.join(", ")})`);
  eq(await page.$$eval("#nft-drawer a.paylink", (a) => a.length), 0, "no pay link for a sold NFT");
  await waitText(page, "#nft-drawer .no-paylink", "Sold: no pay link.");
  check(await page.$("#nft-drawer [data-chain]") !== null, "a chain check part");
  await screenshot(page, "1280-ops-05-drawer-sold", false);
  await page.keyboard.press("Escape");
  await page.waitForSelector("#nft-drawer:not([open])");
  // NMKR's sales (#1): checked on chain by the sync.
  await page.click('tr[data-number="1"] th');
  await page.waitForSelector("#nft-drawer[open]");
  await page.waitForSelector('#nft-drawer [data-chain="verified"]');
  await waitText(page, "#nft-drawer [data-chain]", "verified checked");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#nft-drawer:not([open])");

  // 6. Keyboard: Enter on a focused row opens an available NFT's drawer
  //    (its pay link), Escape closes it and the focus is on the row again.
  await page.focus('tr[data-number="7"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector("#nft-drawer[open]");
  await page.waitForSelector("#nft-drawer a.paylink");
  check((await page.$eval("#nft-drawer a.paylink", (a) => a.href)).startsWith("https://pay"),
    "the available NFT's pay link");
  await waitText(page, "#nft-drawer [data-chain]", "Not sold");
  await assertLabelled(page, "NFT drawer");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#nft-drawer:not([open])");
  eq(await page.evaluate(() => document.activeElement.dataset.number), "7", "focus back on the row after Escape");
  log("drawer seen");
  assertClean("at 1280 px");

  // 7. 390 px wide.
  await page.setViewport({width: 390, height: 844, isMobile: true, hasTouch: true});
  await page.goto(`${server}/#/`, {waitUntil: "networkidle0"});
  await page.waitForSelector(".campaign-card");
  await assertNoHorizontalScroll(page, "campaigns at 390 px");
  await screenshot(page, "390-ops-01-campaigns");
  await page.goto(`${server}/#/campaigns/${lab.id}`, {waitUntil: "networkidle0"});
  await page.waitForSelector("#series-body svg.series-chart");
  await assertNoHorizontalScroll(page, "sync tab with the series at 390 px");
  await page.$eval("#series-section", (el) => el.scrollIntoView());
  await screenshot(page, "390-ops-01b-series", false);
  await page.waitForSelector("#alerts-body table.alerts");
  await page.$eval("#alerts-section", (el) => el.scrollIntoView());
  await screenshot(page, "390-ops-01c-alerts", false);
  await axe(page, "the sync tab with alerts at 390 px");
  await page.goto(`${server}/#/campaigns/${lab.id}/review?kind=sold_downgrade`, {waitUntil: "networkidle0"});
  await page.waitForSelector(".review-body:not([aria-busy])");
  await page.click(".panel input[type=checkbox]:not([name])"); // resolved items too
  await page.waitForSelector("table.review");
  await assertNoHorizontalScroll(page, "review queue at 390 px");
  await screenshot(page, "390-ops-02-review");
  await page.goto(`${server}/#/campaigns/${lab.id}/inventory?page=2`, {waitUntil: "networkidle0"});
  await waitText(page, "table.inventory caption", "page 2");
  await assertNoHorizontalScroll(page, "inventory at 390 px");
  await screenshot(page, "390-ops-03-inventory");
  await page.$eval(".pager", (el) => el.scrollIntoView({block: "end"}));
  await screenshot(page, "390-ops-03b-inventory-pager", false);
  await page.click('tr[data-number="30"] th');
  await page.waitForSelector("#nft-drawer .timeline");
  await screenshot(page, "390-ops-04-drawer", false);
  await page.keyboard.press("Escape");
  assertClean("at 390 px");

  assertProvokedSeen();
  return 0;
}

await run(main, {axe: true});
