// SPDX-License-Identifier: MIT
// Hold every answer the HTTP API tests recorded (tests/integration/http_api.c,
// one JSON line per answer in DIR/*.jsonl) against docs/openapi.yaml, with
// ajv (OpenAPI 3.0's `nullable` included) and ajv-formats.
//
//   node validate-answers.mjs docs/openapi.yaml DIR
//
// A record is {at, method, path, status, type, len, body}: the answer to a
// request, or {at, schema, what, body}: a JSON value that must match
// #/components/schemas/<schema>. The checks are those the C validator made:
// a JSON answer must parse; an error (4xx, 5xx) must be JSON; an answer to
// an operation the document does not describe (405, unknown paths, the page)
// may be JSON only as an error of the Error shape; for a documented
// operation the status must be documented, a JSON body must match its
// response's schema with every member of every object one the document
// names, and another body must have a media type the response names. Exit 0 when every answer holds, 1 otherwise, and 1
// with the reason when the npm packages are not installed or nothing was
// recorded.
import { readFileSync } from "node:fs";
import { loadPackages, pointer, where, checkRecords } from "./openapi-ajv.mjs";

const { Ajv, addFormats, yaml } = await loadPackages();

const [docFile, dir] = process.argv.slice(2);
if (!docFile || !dir) {
  console.error("usage: node validate-answers.mjs docs/openapi.yaml ANSWERS_DIR");
  process.exit(1);
}

const doc = yaml.load(readFileSync(docFile, "utf8"));
if (!/^3\.0\./.test(String(doc.openapi))) {
  // ajv's `nullable` and these schemas are OpenAPI 3.0's; 3.1 is JSON Schema
  // 2020-12 and would need Ajv2020 instead.
  console.error(`${docFile}: openapi ${doc.openapi}, this validator reads 3.0`);
  process.exit(1);
}
// strict: false lets OpenAPI's own keywords (example, ...) through; the
// document itself is checked by api.openapi.lint.
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(doc, "openapi");

const compiled = new Map();
function validator(ptr) {
  let v = compiled.get(ptr);
  if (!v) {
    v = ajv.getSchema("openapi" + ptr);
    if (!v) throw new Error(`${ptr} is not in ${docFile}`);
    compiled.set(ptr, v);
  }
  return v;
}

// ---- The document (as check_resp in http_api.c read it) ------------------

// How well tpl ("/api/campaigns/{id}") matches path: -1 not at all, else the
// number of literal segments.
function matchTpl(tpl, path) {
  const t = tpl.split("/"), p = path.split("/");
  if (t.length !== p.length) return -1;
  let literal = 0;
  for (let i = 1; i < t.length; i++) {
    if (/^\{.+\}$/.test(t[i])) {
      if (p[i] === "") return -1;
    } else if (t[i] !== p[i]) {
      return -1;
    } else {
      literal++;
    }
  }
  return literal;
}

function templateOf(path) {
  const plain = path.split("?")[0];
  let best = null, bestN = -1;
  for (const tpl of Object.keys(doc.paths)) {
    const n = matchTpl(tpl, plain);
    if (n > bestN) [best, bestN] = [tpl, n];
  }
  return best;
}

function follow(obj) {
  for (let hops = 0; obj && typeof obj.$ref === "string" && hops < 16; hops++) {
    const m = /^#\/components\/(schemas|responses)\/(.+)$/.exec(obj.$ref);
    if (!m) break;
    obj = doc.components[m[1]][m[2]];
  }
  return obj;
}

// The schema the document gives member key of an object of schema: from its
// properties, an allOf branch or additionalProperties. null when the document
// does not know the member; freeForm when the object is described without
// members (anything goes).
function memberSchema(schema, key) {
  schema = follow(schema) ?? {};
  const { properties, allOf, additionalProperties } = schema;
  if (properties && Object.hasOwn(properties, key)) return { sub: properties[key] };
  for (const branch of allOf ?? []) {
    const { sub } = memberSchema(branch, key);
    if (sub) return { sub };
  }
  if (additionalProperties && typeof additionalProperties === "object")
    return { sub: additionalProperties };
  return { sub: null, freeForm: !properties && !allOf };
}

// docs/product.md ("The sync"): the JSON has exactly the fields described.
// The schemas leave additionalProperties open, so look for the members they
// do not name here: every member of every object must be in the document.
function unknownMembers(schema, value, where, out) {
  schema = follow(schema);
  if (!schema) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownMembers(schema.items, v, `${where}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const { sub, freeForm } = memberSchema(schema, k);
      if (!sub && freeForm) return;
      if (!sub) out.push(`${where}.${k} is not in the document`);
      else unknownMembers(sub, v, `${where}.${k}`, out);
    }
  }
}

// Problems of value against the schema at ptr (ajv's messages, then the
// members the document does not name).
function schemaProblems(ptr, value) {
  const v = validator(ptr);
  const out = [];
  for (const e of v(value) ? [] : v.errors)
    out.push(`${where(e.instancePath)} ${e.message}`);
  unknownMembers(ajv.getSchema("openapi" + ptr).schema, value, "$", out);
  return out;
}

// ---- One record -----------------------------------------------------------

function checkAnswer(a) {
  const method = a.method.toLowerCase();
  const type = (a.type ?? "").split(/[;\s]/)[0].toLowerCase();
  const json = type === "application/json";
  let value;
  if (json) {
    try {
      value = JSON.parse(a.body);
    } catch (e) {
      return [`not JSON (${e.message}): ${a.body}`];
    }
  }
  if (a.status >= 400 && !json)
    return [`an error that is not JSON (Content-Type "${a.type ?? ""}")`];
  const tpl = templateOf(a.path);
  const op = tpl ? doc.paths[tpl][method] : undefined;
  if (!op) {
    if (a.status < 400 && json) return ["a JSON answer the document does not describe"];
    return json ? schemaProblems(pointer("components", "schemas", "Error"), value) : [];
  }
  // The response and where it is (a $ref to #/components/responses/).
  let resp = op.responses?.[String(a.status)];
  let at = pointer("paths", tpl, method, "responses", String(a.status));
  if (typeof resp?.$ref === "string") {
    at = resp.$ref;
    resp = follow(resp);
  }
  if (!resp)
    return [`${docFile} has no ${a.status} response for ${a.method} ${tpl}: ${a.body}`];
  const content = resp.content ?? {};
  if (json) {
    if (!content["application/json"]?.schema)
      return [`JSON where the document says ${Object.keys(content)[0] ?? "no body"}`];
    return schemaProblems(`${at}/content/application~1json/schema`, value);
  }
  if (a.len === 0 && !resp.content) return [];
  if (Object.keys(content).some((m) => m.toLowerCase() === type)) return [];
  return [`Content-Type ${type || "(none)"} is not one the document names`];
}

function checkRecord(r) {
  if (r.schema !== undefined)
    return schemaProblems(pointer("components", "schemas", r.schema), JSON.parse(r.body));
  return checkAnswer(r);
}

// ---- All of them ----------------------------------------------------------

const { answers, bad, files } = checkRecords(dir, checkRecord, (r) =>
  r?.schema !== undefined
    ? `${r.what} (#/components/schemas/${r.schema})`
    : `${r?.method} ${r?.path} -> ${r?.status}`);
if (answers === 0) {
  console.error(`${dir}: no answers recorded: the integration.http_api tests write them, run them with it (ctest -R "http_api|api.openapi")`);
  process.exit(1);
}
console.log(`${answers} answers from ${files} tests against ${docFile} (openapi ${doc.openapi}): ` +
  `${bad === 0 ? "all hold" : `${bad} do not`}`);
process.exit(bad === 0 ? 0 : 1);
