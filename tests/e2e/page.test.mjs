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
// Environment: CS_BUILD_DIR (the CMake build folder), CS_E2E_OUT (where the
// screenshots and logs go), CS_SOURCE_DIR, CS_CHROMIUM (/usr/bin/chromium).
// Exit 0 on success, 1 on failure, also without Chromium or
// tests/e2e/node_modules (scripts/bootstrap installs both): a test that
// cannot run says why and fails.
import {spawn} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = process.env.CS_SOURCE_DIR || path.resolve(HERE, "../..");
const BUILD = process.env.CS_BUILD_DIR || path.join(SOURCE, "build/dev");
const OUT = process.env.CS_E2E_OUT || path.join(BUILD, "e2e");
const CHROMIUM = process.env.CS_CHROMIUM || "/usr/bin/chromium";
const DEADLINE_MS = 150000; // below the CTest TIMEOUT, so that cleanup runs
const CANNOT_RUN = 1;

const TOKEN = "e2e-admin-token-7f3a";
const NMKR_KEY = "e2e-nmkr-key";
const BF_PROJECT = "e2e-blockfrost-project";
const PROJECT = "9e2d000a-ed53-4db4-819b-25cdab41fd47";
const NFTS = 60;
const SOLD = 5;

function log(...args) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
}

class TestFailure extends Error {}

function fail(message) {
  throw new TestFailure(message);
}

function check(condition, message) {
  if (!condition) fail(message);
}

function eq(actual, expected, what) {
  if (actual !== expected) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const started = Date.now();
const children = [];
let browser = null;
let lastPage = null;
let tmp = null;

// ---- Processes -------------------------------------------------------------

/** Start a program; resolve with the first line of its stdout. */
function startProcess(name, argv, env) {
  return new Promise((resolve, reject) => {
    const logFile = fs.createWriteStream(path.join(OUT, `${name}.log`));
    const child = spawn(argv[0], argv.slice(1), {env, stdio: ["ignore", "pipe", "pipe"]});
    children.push({name, child});
    child.stderr.pipe(logFile);
    let buffered = "";
    let done = false;
    const timer = setTimeout(() => {
      if (!done) reject(new Error(`${name} printed no first line within 10 s (see ${name}.log)`));
      done = true;
    }, 10000);
    child.stdout.on("data", (data) => {
      logFile.write(data);
      if (done) return;
      buffered += data.toString();
      const nl = buffered.indexOf("\n");
      if (nl >= 0) {
        done = true;
        clearTimeout(timer);
        resolve(buffered.slice(0, nl));
      }
    });
    child.on("error", (e) => {
      if (!done) reject(new Error(`cannot start ${name}: ${e.message}`));
      done = true;
    });
    child.on("exit", (code, signal) => {
      if (!done) reject(new Error(`${name} exited (${code ?? signal}) before it listened (see ${name}.log)`));
      done = true;
    });
  });
}

async function stopProcess(entry) {
  const {child} = entry;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function cleanup() {
  if (browser) {
    await browser.close().catch(() => {});
    browser = null;
  }
  await Promise.all(children.map(stopProcess));
  if (tmp) fs.rmSync(tmp, {recursive: true, force: true});
}

/** The environment of a child: ours without the project's settings. */
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(CS_|NMKR_|NEXT_PUBLIC_NMKR_|BLOCKFROST_)/.test(k)) env[k] = v;
  }
  return {...env, ...extra};
}

// ---- HTTP from the test ------------------------------------------------------

async function http(method, url, body, headers = {}) {
  const res = await fetch(url, {
    method,
    headers: {...(body !== undefined ? {"Content-Type": "application/json"} : {}), ...headers},
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) fail(`${method} ${url}: ${res.status} ${text}`);
  return json;
}

// ---- Browser watch: console errors and failed requests ----------------------

const expected = []; // failures the test provokes: {method, path, status}
const unexpected = [];

/** Allow one kind of failed request (status, or "network" for no answer). */
function expectFailure(method, pathPattern, status) {
  const e = {method, path: pathPattern, status, seen: 0};
  expected.push(e);
  return e;
}

function matchExpected(method, url, status) {
  const p = new URL(url);
  return expected.find((e) => (e.method === method || e.method === "*") && e.path.test(p.pathname + p.search) &&
    e.status === status);
}

function watch(page) {
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location() && msg.location().url;
    const text = msg.text();
    if (where && /^Failed to load resource/.test(text)) {
      const p = new URL(where);
      const allowed = expected.some((e) => e.path.test(p.pathname + p.search));
      if (allowed) return;
    }
    unexpected.push(`console error: ${text}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (err) => unexpected.push(`page error: ${err.message}`));
  page.on("response", (res) => {
    const status = res.status();
    if (status < 400) return;
    const e = matchExpected(res.request().method(), res.url(), status);
    if (e) e.seen += 1;
    else unexpected.push(`HTTP ${status}: ${res.request().method()} ${res.url()}`);
  });
  page.on("requestfailed", (req) => {
    const e = matchExpected(req.method(), req.url(), "network");
    if (e) e.seen += 1;
    else unexpected.push(`request failed: ${req.method()} ${req.url()}: ${req.failure() && req.failure().errorText}`);
  });
}

function assertClean(step) {
  if (unexpected.length) fail(`${step}: unexpected browser errors:\n  ${unexpected.join("\n  ")}`);
}

// ---- Page helpers --------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function text(page, selector) {
  await page.waitForSelector(selector, {timeout: 10000});
  return page.$eval(selector, (el) => el.textContent.replace(/\s+/g, " ").trim());
}

async function waitText(page, selector, substring, timeout = 15000) {
  try {
    await page.waitForFunction((sel, sub) => {
      const el = document.querySelector(sel);
      return el && el.textContent.replace(/\s+/g, " ").includes(sub);
    }, {timeout}, selector, substring);
  } catch {
    const now = await page.$eval(selector, (el) => el.textContent.replace(/\s+/g, " ").trim()).catch(() => "(absent)");
    fail(`waited for "${substring}" in ${selector}; it says: ${now.slice(0, 400)}`);
  }
}

async function screenshot(page, name, fullPage = true) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({path: file, fullPage});
  log(`screenshot ${file}`);
}

/** Click a button found by its visible text within scope (a selector).
 * The page redraws parts of itself after changes: a button replaced
 * between finding and clicking it is looked up again. */
async function clickButton(page, scope, label) {
  for (let attempt = 1; ; attempt++) {
    const handle = await page.waitForFunction((sc, lb) => {
      const root = document.querySelector(sc);
      if (!root) return null;
      return [...root.querySelectorAll("button")].find((b) =>
        !b.disabled && b.textContent.replace(/\s+/g, " ").trim().startsWith(lb)) || null;
    }, {timeout: 10000}, scope, label).catch(() => null);
    check(handle && handle.asElement(), `no enabled button "${label}" in ${scope}`);
    try {
      await handle.asElement().click();
      return;
    } catch (err) {
      // Puppeteer says "not clickable" of a handle whose node was just replaced.
      if (attempt >= 3 || !/detached|not clickable/i.test(err.message)) throw err;
    }
  }
}

/** Press Sync and wait for a new report. Within 10 s of the last sync the
 * server answers with that sync's report: then press "Sync now anyway". */
async function syncAgain(page, previousLogId) {
  await page.click("#sync-button");
  const fresh = (prev) => {
    const r = document.querySelector("#report");
    return r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-button").disabled;
  };
  await page.waitForFunction((prev) => {
    const r = document.querySelector("#report");
    return document.querySelector("#sync-force") ||
      (r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-button").disabled);
  }, {timeout: 20000}, previousLogId);
  if (await page.$("#sync-force")) {
    log("debounced: pressing Sync now anyway");
    await page.click("#sync-force");
  }
  await page.waitForFunction(fresh, {timeout: 20000}, previousLogId);
}

/** Every form control has a label; every button a name; charts a name. */
async function assertLabelled(page, where) {
  const problems = await page.evaluate(() => {
    const out = [];
    const visible = (el) => el.getClientRects().length > 0 || el.closest("dialog");
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (!visible(el)) continue;
      if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) {
        out.push(`unlabelled ${el.tagName.toLowerCase()}#${el.id || "?"}[name=${el.name}]`);
      }
    }
    for (const el of document.querySelectorAll("button, a[href]")) {
      if (!visible(el)) continue;
      if (!el.textContent.trim() && !el.getAttribute("aria-label")) out.push(`nameless ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll("svg[role=img]")) {
      if (!el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) out.push("nameless chart");
    }
    for (const el of document.querySelectorAll("table")) {
      if (!el.querySelector("caption")) out.push("table without caption");
    }
    return out;
  });
  check(!problems.length, `${where}: accessibility problems:\n  ${problems.join("\n  ")}`);
}

/** Nothing is wider than the viewport (tables scroll in their own box). */
async function assertNoHorizontalScroll(page, where) {
  const {scroll, width} = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  check(scroll <= width + 1, `${where}: the page is ${scroll}px wide in a ${width}px viewport`);
}

// ---- The test ------------------------------------------------------------------

async function main() {
  let puppeteer;
  try {
    puppeteer = (await import("puppeteer-core")).default;
  } catch {
    console.log("cannot run: puppeteer-core is not installed in tests/e2e/node_modules (run scripts/bootstrap test, " +
      "or: cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)");
    return CANNOT_RUN;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`cannot run: no Chromium at ${CHROMIUM} (scripts/bootstrap test installs Debian's chromium)`);
    return CANNOT_RUN;
  }
  const serveBin = path.join(BUILD, "src/cli/campaign-sync");
  const nmkrBin = path.join(BUILD, "tools/fake-nmkr/fake-nmkr");
  const bfBin = path.join(BUILD, "tools/fake-blockfrost/fake-blockfrost");
  for (const bin of [serveBin, nmkrBin, bfBin]) check(fs.existsSync(bin), `${bin} is not built`);
  fs.mkdirSync(OUT, {recursive: true});
  for (const f of fs.readdirSync(OUT)) if (f.endsWith(".png")) fs.rmSync(path.join(OUT, f));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cs-e2e-"));

  // The fakes (NMKR mints its sales on the fake Blockfrost) and the
  // server, on 127.0.0.1 only.
  const bfLine = await startProcess("fake-blockfrost", [bfBin, "--listen", "127.0.0.1:0",
    "--project-id", BF_PROJECT], childEnv({}));
  const bfApi = `http://${bfLine.replace(/^listening on /, "")}/api/v0`;
  const nmkrLine = await startProcess("fake-nmkr", [nmkrBin, "--listen", "127.0.0.1:0", "--api-key", NMKR_KEY,
    "--project", PROJECT, "--nfts", String(NFTS), "--sold", String(SOLD), "--latency-ms", "30",
    "--blockfrost", bfApi, "--blockfrost-project-id", BF_PROJECT,
    // The page test changes the fake and syncs at once: NMKR's 20 s result
    // cache (the fake's default) would hide the change (tests/support/fakeproc.c
    // turns it off the same way for the C tests).
    "--cache-seconds", "0"], childEnv({}));
  const nmkr = `http://${nmkrLine.replace(/^listening on /, "")}`;
  const serveLine = await startProcess("serve", [serveBin, "serve", "--listen", "127.0.0.1:0", "--no-schedule"],
    childEnv({
      CS_DATABASE_URL: `sqlite:${path.join(tmp, "campaign-sync.db")}`,
      CS_ADMIN_TOKEN: TOKEN,
      NMKR_API_KEY: NMKR_KEY,
      NMKR_API_URL: nmkr,
      BLOCKFROST_PROJECT_ID: BF_PROJECT,
      BLOCKFROST_API_URL: bfApi,
      CS_PUBLIC_RATE: "0",
    }));
  const server = serveLine.replace(/^listening on /, "");
  check(/^http:\/\/127\.0\.0\.1:\d+$/.test(server), `serve said "${serveLine}"`);
  log(`fake-nmkr at ${nmkr}, campaign-sync at ${server}`);

  // Seed through the API: create, import from NMKR, activate.
  const admin = {Authorization: `Bearer ${TOKEN}`};
  const campaign = await http("POST", `${server}/api/campaigns`, {name: "Lab Rat",
    description: "The first commemorative campaign", nmkrProjectId: PROJECT, maxNFTs: 100}, admin);
  const imported = await http("POST", `${server}/api/campaigns/${campaign.id}/import`, {source: "nmkr"}, admin);
  eq(imported.inserted, NFTS, "NFTs imported from the fake");
  await http("POST", `${server}/api/campaigns/${campaign.id}/activate`, undefined, admin);
  const fakeNfts = await http("GET", `${nmkr}/__fake/nfts`);
  const uidOf = (n) => fakeNfts[n - 1].uid; // NFT number n (1-based)

  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: path.join(tmp, "chromium"),
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  lastPage = page;
  page.setDefaultTimeout(15000);
  watch(page);
  await page.setViewport({width: 1280, height: 800});
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

  // 7. The review queue: Escape closes the dialog; then apply NMKR's state.
  await page.click('.tabs a[data-tab="review"]');
  await page.waitForSelector("table.review");
  await waitText(page, '.tabs a[data-tab="review"]', "1 open");
  await waitText(page, "table.review tbody", "Campaign #8");
  await waitText(page, "table.review tbody", "sold downgrade");
  await screenshot(page, "1280-06-review");
  await clickButton(page, "table.review", "Apply NMKR");
  await page.waitForSelector("#confirm-dialog[open]");
  await waitText(page, "#confirm-text", "sets it to available");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#confirm-dialog:not([open])");
  check(await page.evaluate(() => document.activeElement.textContent.startsWith("Apply NMKR")),
    "focus returns to the button after Escape");
  await clickButton(page, "table.review", "Apply NMKR");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#confirm-dialog:not([open])");
  await waitText(page, ".review-body", "Nothing to review");
  await waitText(page, "#messages", "resolved");
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
  await stopProcess(children.find((c) => c.name === "serve"));
  expectFailure("GET", /^\/api\/campaigns$/, "network");
  await clickButton(page, ".page-head", "Refresh");
  await waitText(page, ".campaign-list", "Cannot reach the campaign-sync server");
  check(await page.$eval(".campaign-list button", (b) => b.textContent === "Try again"), "a Try again button");
  await screenshot(page, "1280-08-server-gone", false);

  assertClean("at the end");
  const unseen = expected.filter((e) => e.seen === 0);
  check(!unseen.length, `provoked failures that did not happen: ${unseen.map((e) => `${e.method} ${e.path} ${e.status}`)}`);
  return 0;
}

let code = 1;
const deadline = setTimeout(() => {
  console.error(`FAIL: the test ran over ${DEADLINE_MS / 1000} s`);
  cleanup().finally(() => process.exit(1));
}, DEADLINE_MS);
try {
  code = await main();
  if (code === 0) log("PASS: e2e.page");
} catch (err) {
  console.error(`FAIL: ${err instanceof TestFailure ? err.message : err.stack || err}`);
  if (lastPage) {
    await lastPage.screenshot({path: path.join(OUT, "failure.png"), fullPage: true}).catch(() => {});
    console.error(`the page as it was: ${path.join(OUT, "failure.png")}`);
  }
  if (unexpected.length) console.error(`browser errors:\n  ${unexpected.join("\n  ")}`);
  console.error(`logs of the server and the fake: ${OUT}`);
  code = 1;
} finally {
  clearTimeout(deadline);
  await cleanup();
}
process.exit(code);
