// SPDX-License-Identifier: MIT
// docs/openapi.yaml as JSON, for the C tests that walk the document (which
// paths and methods there are, which are public) with cJSON:
//
//   node openapi-json.mjs docs/openapi.yaml OUT.json
//
// Exit 1 with the reason when js-yaml is not installed or the YAML is bad.
import { readFileSync, writeFileSync } from "node:fs";

let yaml;
try {
  yaml = (await import("js-yaml")).default;
} catch (e) {
  console.error("cannot run: js-yaml is not installed in tests/e2e/node_modules " +
    "(run scripts/bootstrap test, or: cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)");
  process.exit(1);
}

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error("usage: node openapi-json.mjs docs/openapi.yaml OUT.json");
  process.exit(1);
}
try {
  writeFileSync(to, JSON.stringify(yaml.load(readFileSync(from, "utf8"))) + "\n");
} catch (e) {
  console.error(`${from}: ${e.message}`);
  process.exit(1);
}
console.log(`${from} -> ${to}`);
