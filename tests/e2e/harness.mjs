// SPDX-License-Identifier: MIT
// The harness of the browser tests (page, scale and ops .test.mjs): starts
// fake-blockfrost, fake-nmkr and `campaign-sync serve` from the build on
// 127.0.0.1 port 0 over a temporary SQLite database, launches Debian's
// Chromium through puppeteer-core, watches the page for console errors and
// failed requests, and offers the helpers the tests share (waiting for
// text, clicking a button by its label, screenshots, axe-core). run() holds
// the test under a deadline below CTest's TIMEOUT so that cleanup always
// runs: the browser is closed, the programs stopped, the folder removed.
//
// Each test is its own process, so the harness keeps its state in this
// module: setup() first, then run(main).
//
// Environment: CS_BUILD_DIR (the CMake build folder), CS_E2E_OUT (where the
// screenshots and logs go), CS_SOURCE_DIR, CS_CHROMIUM (/usr/bin/chromium).
// A test that cannot run (no Chromium, no tests/e2e/node_modules) says why
// and fails.
import {spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE = process.env.CS_SOURCE_DIR || path.resolve(HERE, "../..");
export const BUILD = process.env.CS_BUILD_DIR || path.join(SOURCE, "build/dev");
const CHROMIUM = process.env.CS_CHROMIUM || "/usr/bin/chromium";
const CANNOT_RUN = 1;

const state = {
  name: "e2e",
  out: null,
  deadlineMs: 150000,
  waitMs: 15000,
  started: Date.now(),
  children: [],
  browser: null,
  lastPage: null,
  tmp: null,
};

/** Where the screenshots and logs go (CS_E2E_OUT, or the default of setup()). */
export const out = () => state.out;

/**
 * Name the test and its defaults: outDir (under the build folder, when
 * CS_E2E_OUT is not set), deadlineMs (below the CTest TIMEOUT) and waitMs
 * (how long waitText waits by default).
 */
export function setup(name, {outDir, deadlineMs = 150000, waitMs = 15000}) {
  state.name = name;
  state.out = process.env.CS_E2E_OUT || path.join(BUILD, outDir);
  state.deadlineMs = deadlineMs;
  state.waitMs = waitMs;
}

export function log(...args) {
  console.log(`[${((Date.now() - state.started) / 1000).toFixed(1)}s]`, ...args);
}

export class TestFailure extends Error {}

export function fail(message) {
  throw new TestFailure(message);
}

export function check(condition, message) {
  if (!condition) fail(message);
}

export function eq(actual, expected, what) {
  if (actual !== expected) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- Processes -------------------------------------------------------------

/** Start a program; resolve with the first line of its stdout. */
export function startProcess(name, argv, env) {
  return new Promise((resolve, reject) => {
    const logFile = fs.createWriteStream(path.join(state.out, `${name}.log`));
    const child = spawn(argv[0], argv.slice(1), {env, stdio: ["ignore", "pipe", "pipe"]});
    state.children.push({name, child});
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

/** Stop a program started here, by its name (SIGTERM, SIGKILL after 5 s). */
export async function stopProcess(name) {
  const entry = state.children.find((c) => c.name === name);
  if (entry) await stopChild(entry);
}

async function stopChild({child}) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function cleanup() {
  if (state.browser) {
    await state.browser.close().catch(() => {});
    state.browser = null;
  }
  await Promise.all(state.children.map(stopChild));
  if (state.tmp) fs.rmSync(state.tmp, {recursive: true, force: true});
}

/** The environment of a child: ours without the project's settings. */
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(CS_|NMKR_|NEXT_PUBLIC_NMKR_|BLOCKFROST_)/.test(k)) env[k] = v;
  }
  return {...env, ...extra};
}

const BINS = {
  serve: path.join(BUILD, "src/cli/campaign-sync"),
  nmkr: path.join(BUILD, "tools/fake-nmkr/fake-nmkr"),
  blockfrost: path.join(BUILD, "tools/fake-blockfrost/fake-blockfrost"),
};

const listening = (line) => line.replace(/^listening on /, "");

/**
 * Check that the test can run (puppeteer-core, axe-core when asked, Chromium,
 * the built programs), clear the screenshots of a past run and make the
 * temporary folder. Resolves with puppeteer, or null after saying why the
 * test cannot run.
 */
async function prepare({axe: wantAxe = false} = {}) {
  let puppeteer;
  try {
    puppeteer = (await import("puppeteer-core")).default;
    if (wantAxe) await import("axe-core");
  } catch {
    console.log(`cannot run: puppeteer-core${wantAxe ? " or axe-core" : ""} is not installed in ` +
      "tests/e2e/node_modules (run scripts/bootstrap test, or: cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)");
    return null;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`cannot run: no Chromium at ${CHROMIUM} (scripts/bootstrap test installs Debian's chromium)`);
    return null;
  }
  for (const bin of Object.values(BINS)) check(fs.existsSync(bin), `${bin} is not built`);
  fs.mkdirSync(state.out, {recursive: true});
  for (const f of fs.readdirSync(state.out)) {
    if (f.endsWith(".png") || f.endsWith(".csv")) fs.rmSync(path.join(state.out, f));
  }
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cs-${state.name.replace(/\W/g, "-")}-`));
  return puppeteer;
}

/**
 * Start the fakes and the server on 127.0.0.1 port 0: fake-blockfrost
 * (unless blockfrost is false; NMKR then mints its sales there), fake-nmkr
 * with its key, project and nmkrArgs, and `campaign-sync serve
 * --no-schedule` over a new SQLite database with serveArgs and serveEnv.
 * Resolves with {server, nmkr, bfApi} (base URLs; bfApi null without it).
 */
export async function startStack({token, nmkrKey, project, bfProject = null, nmkrArgs = [],
  serveArgs = [], serveEnv = {}}) {
  let bfApi = null;
  if (bfProject) {
    const bfLine = await startProcess("fake-blockfrost", [BINS.blockfrost, "--listen", "127.0.0.1:0",
      "--project-id", bfProject], childEnv({}));
    bfApi = `http://${listening(bfLine)}/api/v0`;
  }
  const nmkrLine = await startProcess("fake-nmkr", [BINS.nmkr, "--listen", "127.0.0.1:0", "--api-key", nmkrKey,
    "--project", project, ...(bfApi ? ["--blockfrost", bfApi, "--blockfrost-project-id", bfProject] : []),
    ...nmkrArgs], childEnv({}));
  const nmkr = `http://${listening(nmkrLine)}`;
  const serveLine = await startProcess("serve", [BINS.serve, "serve", "--listen", "127.0.0.1:0", "--no-schedule",
    ...serveArgs],
  childEnv({
    CS_DATABASE_URL: `sqlite:${path.join(state.tmp, "campaign-sync.db")}`,
    CS_ADMIN_TOKEN: token,
    NMKR_API_KEY: nmkrKey,
    NMKR_API_URL: nmkr,
    ...(bfApi ? {BLOCKFROST_PROJECT_ID: bfProject, BLOCKFROST_API_URL: bfApi} : {}),
    CS_PUBLIC_RATE: "0",
    ...serveEnv,
  }));
  const server = listening(serveLine);
  check(/^http:\/\/127\.0\.0\.1:\d+$/.test(server), `serve said "${serveLine}"`);
  log(`fake-nmkr at ${nmkr}, campaign-sync at ${server}`);
  return {server, nmkr, bfApi};
}

/**
 * Run SQL on serve's SQLite database with Debian's sqlite3 (scripts/bootstrap
 * installs it), beside serve (WAL; waits up to 5 s for a lock): rows that
 * only a background task writes, such as the alerts its sweeper sends.
 */
export function dbExec(sql) {
  const db = path.join(state.tmp, "campaign-sync.db");
  const r = spawnSync("sqlite3", ["-bail", "-cmd", ".timeout 5000", db, sql], {encoding: "utf8"});
  if (r.error) fail(`cannot run sqlite3 (scripts/bootstrap installs it): ${r.error.message}`);
  check(r.status === 0, `sqlite3: ${r.stderr.trim()}`);
}

/** Launch Chromium; resolve with a watched page of the given size. */
export async function openPage(puppeteer, {width = 1280, height = 800, timeout = 15000} = {}) {
  state.browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: path.join(state.tmp, "chromium"),
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await state.browser.newPage();
  state.lastPage = page;
  page.setDefaultTimeout(timeout);
  watch(page);
  await page.setViewport({width, height});
  return page;
}

// ---- HTTP from the test ------------------------------------------------------

export async function http(method, url, body, headers = {}) {
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

/** Run fn over items, at most n at once. */
export async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(Array.from({length: n}, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

// ---- Browser watch: console errors and failed requests ----------------------

const expected = []; // failures the test provokes: {method, path, status}
const unexpected = [];

/** Allow one kind of failed request (status, or "network" for no answer). */
export function expectFailure(method, pathPattern, status) {
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

export function assertClean(step) {
  if (unexpected.length) fail(`${step}: unexpected browser errors:\n  ${unexpected.join("\n  ")}`);
}

/** Every failure the test provoked happened. */
export function assertProvokedSeen() {
  const unseen = expected.filter((e) => e.seen === 0);
  check(!unseen.length, `provoked failures that did not happen: ${unseen.map((e) => `${e.method} ${e.path} ${e.status}`)}`);
}

// ---- Page helpers --------------------------------------------------------------

export async function text(page, selector) {
  await page.waitForSelector(selector, {timeout: 10000});
  return page.$eval(selector, (el) => el.textContent.replace(/\s+/g, " ").trim());
}

export async function waitText(page, selector, substring, timeout = state.waitMs) {
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

export async function screenshot(page, name, fullPage = true) {
  const file = path.join(state.out, `${name}.png`);
  await page.screenshot({path: file, fullPage});
  log(`screenshot ${file}`);
}

/** Click a button found by its visible text within scope (a selector).
 * The page redraws parts of itself after changes: a button replaced
 * between finding and clicking it is looked up again. */
export async function clickButton(page, scope, label) {
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
export async function syncAgain(page, previousLogId, timeout = 20000) {
  await page.click("#sync-button");
  const fresh = (prev) => {
    const r = document.querySelector("#report");
    return r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-button").disabled;
  };
  await page.waitForFunction((prev) => {
    const r = document.querySelector("#report");
    return document.querySelector("#sync-force") ||
      (r && r.dataset.syncLogId !== prev && !document.querySelector("#sync-button").disabled);
  }, {timeout}, previousLogId);
  if (await page.$("#sync-force")) {
    log("debounced: pressing Sync now anyway");
    await page.click("#sync-force");
  }
  await page.waitForFunction(fresh, {timeout}, previousLogId);
}

/** Every form control has a label; every button a name; charts a name. */
export async function assertLabelled(page, where) {
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
export async function assertNoHorizontalScroll(page, where) {
  const {scroll, width} = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  check(scroll <= width + 1, `${where}: the page is ${scroll}px wide in a ${width}px viewport`);
}

// ---- The keyboard ----------------------------------------------------------------

/** The focused element is drawn with a visible focus (an outline or a ring). */
export async function assertFocusVisible(page, what) {
  const f = await page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    return {visible: el.matches(":focus-visible"), outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth),
      shadow: cs.boxShadow, el: el.outerHTML.slice(0, 80)};
  });
  check(f.visible && ((f.outline !== "none" && f.width > 0) || f.shadow !== "none"),
    `${what}: the focus is not visible on ${f.el} (outline ${f.outline} ${f.width}px, shadow ${f.shadow})`);
}

/**
 * Press Tab (Shift+Tab when back) until the focus is on an element that
 * matches selector, at most max times; the focus must be visible there.
 * Resolves with the number of presses.
 */
export async function tabTo(page, selector, {max = 40, back = false} = {}) {
  for (let i = 1; i <= max; i++) {
    if (back) await page.keyboard.down("Shift");
    await page.keyboard.press("Tab");
    if (back) await page.keyboard.up("Shift");
    if (await page.evaluate((sel) => document.activeElement?.matches(sel), selector)) {
      await assertFocusVisible(page, selector);
      return i;
    }
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
  return fail(`${selector} not reached with ${max} presses of ${back ? "Shift+" : ""}Tab (the focus is on ${at})`);
}

// ---- axe-core ------------------------------------------------------------------

const axeLog = [];
let axeText = null;

/** axe-core on what is on screen: no violation of impact serious or critical. */
export async function axe(page, where) {
  // The page's Content-Security-Policy (script-src 'self') refuses the
  // inline <script> page.addScriptTag would add; evaluating axe.min.js
  // through the DevTools protocol is not subject to it, and the page keeps
  // its policy for everything else.
  if (axeText === null) {
    const require = createRequire(import.meta.url);
    axeText = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  }
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeText);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {resultTypes: ["violations"]});
    return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = result.length ? result.map((v) => `${v.id} (${v.impact}, ${v.nodes} nodes)`).join(", ") : "none";
  log(`axe ${where}: ${result.length} violation kinds: ${summary}`);
  axeLog.push({where, violations: result});
  check(!bad.length, `axe ${where}: serious or critical violations:\n  ${bad.map((v) =>
    `${v.id} (${v.impact}): ${v.help}; ${v.nodes} nodes, e.g. ${v.targets.join(" | ")}`).join("\n  ")}`);
}

/**
 * Screenshots of the screen at 1280 and 390 px wide, axe at each. A change
 * of isMobile reloads the page: ready is the selector of the screen drawn
 * again, waited for after each change; reopen (optional) brings back what
 * a reload closes (a dialog) before ready is waited for.
 */
export async function both(page, name, ready, reopen = null) {
  for (const [width, height, mobile] of [[1280, 800, false], [390, 844, true]]) {
    await page.setViewport({width, height, isMobile: mobile, hasTouch: mobile});
    if (reopen && !(await page.$(ready))) await reopen();
    await page.waitForSelector(ready, {timeout: 20000});
    await page.waitForNetworkIdle({idleTime: 300, timeout: 3000}).catch(() => {});
    const file = path.join(state.out, `${width}-${name}.png`);
    await page.screenshot({path: file, fullPage: true});
    log(`screenshot ${file}`);
    await axe(page, `${name} at ${width} px`);
  }
  await page.setViewport({width: 1280, height: 800});
  if (reopen && !(await page.$(ready))) await reopen();
  await page.waitForSelector(ready, {timeout: 20000});
}

// ---- Running a test ------------------------------------------------------------

/**
 * Run main(puppeteer) under the deadline and exit with its code (0
 * passes); opts.axe: the test needs axe-core. On a
 * failure: the message, the page as it was (failure.png), the browser's
 * errors; then cleanup, always.
 */
export async function run(main, opts = {}) {
  let code = 1;
  const deadline = setTimeout(() => {
    console.error(`FAIL: the test ran over ${state.deadlineMs / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, state.deadlineMs);
  try {
    const puppeteer = await prepare(opts);
    code = puppeteer ? await main(puppeteer) : CANNOT_RUN;
    if (code === 0) log(`PASS: ${state.name}`);
  } catch (err) {
    console.error(`FAIL: ${err instanceof TestFailure ? err.message : err.stack || err}`);
    if (state.lastPage) {
      const file = path.join(state.out, "failure.png");
      await state.lastPage.screenshot({path: file, fullPage: true}).catch(() => {});
      console.error(`the page as it was: ${file}`);
    }
    if (unexpected.length) console.error(`browser errors:\n  ${unexpected.join("\n  ")}`);
    console.error(`logs of the server and the fake: ${state.out}`);
    code = 1;
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
  if (axeLog.length) {
    const kinds = new Map();
    for (const {violations} of axeLog) for (const v of violations) kinds.set(v.id, v.impact);
    log(`axe summary: ${axeLog.length} screens checked; violations seen: ` +
      (kinds.size ? [...kinds].map(([id, impact]) => `${id} (${impact})`).join(", ") : "none"));
  }
  process.exit(code);
}
