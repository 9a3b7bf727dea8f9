// SPDX-License-Identifier: MIT
// What the two validators of recorded answers share: validate-answers.mjs
// (the HTTP API's answers against docs/openapi.yaml) and validate-fakes.mjs
// (the fakes' answers against the official NMKR and Blockfrost documents).
// A C test records each answer as one JSON line in DIR/<test>.jsonl; the
// validator reads them all, prints one message per answer that does not
// hold, and exits 1 when one does not, when nothing was recorded or when
// its npm packages are missing: never a silent pass.
import { readFileSync, readdirSync } from "node:fs";
import { join, basename } from "node:path";

// ajv 8 (draft-07 for OpenAPI 3.0, Ajv2020 for 3.1), ajv-formats and
// js-yaml, from tests/e2e/node_modules. Exits 1 with the reason when they
// are not installed.
export async function loadPackages() {
  try {
    return {
      Ajv: (await import("ajv")).default,
      Ajv2020: (await import("ajv/dist/2020.js")).default,
      addFormats: (await import("ajv-formats")).default,
      yaml: (await import("js-yaml")).default,
    };
  } catch (e) {
    console.error(`cannot run: ajv, ajv-formats and js-yaml are not installed in tests/e2e/node_modules ` +
      `(run scripts/bootstrap test, or: cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci): ${e.message}`);
    process.exit(1);
  }
}

// A JSON pointer "#/a/b~1c" from its tokens.
export const pointer = (...tokens) =>
  "#/" + tokens.map((t) => String(t).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

// ajv's "/items/0/uid" as "$.items[0].uid".
export const where = (instancePath) =>
  "$" + instancePath.split("/").slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((t) => (/^\d+$/.test(t) ? `[${t}]` : `.${t}`)).join("");

// Hold every record of DIR/*.jsonl with check(record) -> [problems], print
// what did not hold with describe(record), and return the totals.
export function checkRecords(dir, check, describe) {
  let files;
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort();
  } catch (e) {
    files = [];
  }
  let answers = 0, bad = 0;
  for (const f of files) {
    const test = basename(f, ".jsonl");
    const lines = readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean);
    for (const line of lines) {
      let r, problems;
      try {
        r = JSON.parse(line);
        problems = check(r);
      } catch (e) {
        problems = [`cannot check: ${e.message}`];
      }
      answers++;
      if (problems.length === 0) continue;
      bad++;
      const body = r?.body && r.body.length > 2000 ? r.body.slice(0, 2000) + "..." : r?.body;
      console.error(`${test} (${r?.at}): ${describe(r)}: ${problems.join("; ")}\n  ${body ?? ""}`);
    }
  }
  return { answers, bad, files: files.length };
}
