// SPDX-License-Identifier: MIT
// Hold every answer the tests of the fakes recorded (tests/tools/th.c, one
// JSON line per answer in DIR/*.jsonl) against the official document it
// names: what NMKR and Blockfrost publish (tests/fixtures/specs/), so
// fake-nmkr and fake-blockfrost answer as the real services do.
//
//   node validate-fakes.mjs DIR NAME=DOCUMENT...
//   e.g. node validate-fakes.mjs answers nmkr=nmkr-studio-v2.openapi.json
//
// A record is {at, spec, method, path, status, type, len, body, extra}: the
// answer to method on path (a template of the document, as
// "/v2/GetCounts/{projectuid}") with status, from the document named spec;
// extra is true to allow members that "additionalProperties": false
// forbids (NMKR's document is a 2022 export that closes every schema while
// the live API has added fields since, docs/upstream.md §0).
//
// The checks are those tests/support/openapi.c made before: the document
// must describe that response (method, path, status; a $ref to
// #/components/responses followed; its application/json schema, else its
// first media type's); the body must be JSON; and it must match the schema,
// with ajv: $ref, type (an integer is not any number), nullable (OpenAPI
// 3.0: null only where nullable, also beside an enum, or where a schema has
// no type), properties, required, items, enum, minimum, maximum,
// minLength, maxLength, minItems, maxItems, additionalProperties (closed
// only where the schema says false), allOf, anyOf and oneOf, and the
// formats int32 and int64 (their ranges), date-time (YYYY-MM-DDTHH:MM:SS,
// then a fraction and a zone if any: NMKR's times have none) and what else
// ajv-formats knows (uri, byte, float, double); the formats a document
// only describes in words ("64-character ... hexadecimal string") are not
// checked. Every message names the JSON path that failed ("$[3].uid must
// be string"). A document is OpenAPI 3.0 (ajv's draft-07 with nullable) or
// 3.1 (JSON Schema 2020-12, Ajv2020); another version fails with the
// reason. Exit 0 when every answer holds, 1 otherwise, and 1 with the
// reason when the npm packages are not installed or nothing was recorded.
import { readFileSync } from "node:fs";
import { loadPackages, pointer, where, checkRecords } from "./openapi-ajv.mjs";

const { Ajv, Ajv2020, addFormats, yaml } = await loadPackages();

const [dir, ...named] = process.argv.slice(2);
if (!dir || named.length === 0 || named.some((a) => !/^[^=]+=./.test(a))) {
  console.error("usage: node validate-fakes.mjs ANSWERS_DIR NAME=DOCUMENT...");
  process.exit(1);
}

// ---- The documents ----------------------------------------------------------

const docs = new Map(); // name -> {file, doc, version}
for (const arg of named) {
  const [name, file] = [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)];
  let doc;
  try {
    const text = readFileSync(file, "utf8");
    doc = file.endsWith(".json") ? JSON.parse(text) : yaml.load(text);
  } catch (e) {
    console.error(`cannot run: ${file}: ${e.message}`);
    process.exit(1);
  }
  const version = /^3\.[01]\./.exec(String(doc.openapi))?.[0];
  if (!version) {
    // Swagger 2 keeps its schemas elsewhere (definitions, a response's
    // schema): it would need its own lookup.
    console.error(`cannot run: ${file}: ${doc.swagger ? `swagger ${doc.swagger}` : `openapi ${doc.openapi}`}, ` +
      `this validator reads OpenAPI 3.0 and 3.1`);
    process.exit(1);
  }
  docs.set(name, { file, doc, version });
}

// The document as ajv reads it as OpenAPI 3.0 says: a $ref's siblings are
// ignored; nullable beside an enum allows null although the enum does not
// name it (Blockfrost's onchain_metadata_standard); a schema without a type
// allows null, so nullable means nothing there (and ajv refuses it). With
// extra, no object is closed. A copy; doc is left as it is.
function prepare(doc, version, extra) {
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== "object") return node;
    if (version === "3.0." && typeof node.$ref === "string") return { $ref: node.$ref };
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v);
    if (extra && out.additionalProperties === false) delete out.additionalProperties;
    if (version === "3.0." && typeof out.nullable === "boolean") {
      if (out.type === undefined)
        delete out.nullable;
      else if (out.nullable && Array.isArray(out.enum) && !out.enum.includes(null))
        out.enum = [...out.enum, null];
    }
    return out;
  };
  return walk(doc);
}

// date-time as tests/support/openapi.c read it, "YYYY-MM-DDTHH:MM:SS" first,
// and then as ajv-formats' iso-date-time (a valid date and time, the zone
// optional).
const isoDateTime = (() => {
  const probe = new Ajv({ strict: false });
  addFormats(probe, ["iso-date-time"]);
  return probe.compile({ type: "string", format: "iso-date-time" });
})();
const dateTime = (s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(s) && isoDateTime(s);
// int64 as a C int64_t: ajv-formats takes any integer a double holds.
const int64 = (n) => Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63;

// Every format a document names, so those ajv-formats does not know are
// known to ajv as unchecked (it would warn about each).
function formatsOf(doc) {
  const out = new Set();
  JSON.stringify(doc, (k, v) => {
    if (k === "format" && typeof v === "string") out.add(v);
    return v;
  });
  return out;
}

const validators = new Map(); // name + extra -> {ajv, doc}
function validatorsOf(name, extra) {
  const key = `${name}${extra ? "-extra" : ""}`;
  let v = validators.get(key);
  if (v) return v;
  const { doc, version } = docs.get(name);
  const opts = { strict: false, allErrors: true, validateSchema: false };
  const ajv = version === "3.1." ? new Ajv2020(opts) : new Ajv(opts);
  addFormats(ajv);
  ajv.addFormat("date-time", { type: "string", validate: dateTime });
  ajv.addFormat("int64", { type: "number", validate: int64 });
  for (const f of formatsOf(doc))
    if (!ajv.formats[f]) ajv.addFormat(f, true);
  ajv.addSchema(prepare(doc, version, extra), key);
  v = { ajv, key, compiled: new Map() };
  validators.set(key, v);
  return v;
}

// What a local $ref ("#/components/responses/NotFound") points at in doc.
function resolve(doc, ref) {
  let at = doc;
  for (const t of ref.replace(/^#\/?/, "").split("/").filter(Boolean))
    at = at?.[t.replace(/~1/g, "/").replace(/~0/g, "~")];
  return at;
}

// The pointer to the schema of the response to method on tpl with status
// (see the top), or null when the document does not describe it.
function responseSchema(doc, method, tpl, status) {
  let resp = doc.paths?.[tpl]?.[method.toLowerCase()]?.responses?.[String(status)];
  let at = pointer("paths", tpl, method.toLowerCase(), "responses", String(status));
  // A response may be a $ref to #/components/responses/: the schema's
  // pointer is then under the response it refers to.
  for (let hops = 0; typeof resp?.$ref === "string" && hops < 32; hops++) {
    at = resp.$ref;
    resp = resolve(doc, resp.$ref);
  }
  const content = resp?.content;
  if (!content || Object.keys(content).length === 0) return null;
  const media = content["application/json"] ? "application/json" : Object.keys(content)[0];
  if (!content[media]?.schema) return null;
  return `${at}/content/${pointer(media).slice(2)}/schema`;
}

// ---- One record ---------------------------------------------------------------

function checkRecord(r) {
  const d = docs.get(r.spec);
  if (!d) return [`no document named "${r.spec}" (given: ${[...docs.keys()].join(", ")})`];
  const ptr = responseSchema(d.doc, r.method, r.path, r.status);
  if (!ptr)
    return [`${d.file} has no ${r.method} ${r.path} ${r.status} response`];
  let value;
  try {
    value = JSON.parse(r.body);
  } catch (e) {
    return [`the body is not JSON (${e.message})`];
  }
  const { ajv, key, compiled } = validatorsOf(r.spec, r.extra === true);
  let validate = compiled.get(ptr);
  if (!validate) {
    validate = ajv.getSchema(key + ptr);
    if (!validate) return [`${ptr} does not resolve in ${d.file}`];
    compiled.set(ptr, validate);
  }
  if (validate(value)) return [];
  return validate.errors.map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` ("${e.params.additionalProperty}")` : "";
    return `${where(e.instancePath)} ${e.message}${extra}`;
  });
}

// ---- All of them ------------------------------------------------------------

const { answers, bad, files } = checkRecords(dir, checkRecord,
  (r) => `${r?.method} ${r?.path} -> ${r?.status} (${r?.spec}${r?.extra ? ", extra members allowed" : ""})`);
if (answers === 0) {
  console.error(`${dir}: no answers recorded: the tools.nmkr and tools.blockfrost tests write them, ` +
    `run them with it (ctest -R "^tools\\.")`);
  process.exit(1);
}
console.log(`${answers} answers from ${files} tests against ` +
  `${[...docs.values()].map((d) => `${d.file} (openapi ${d.doc.openapi})`).join(", ")}: ` +
  `${bad === 0 ? "all hold" : `${bad} do not`}`);
process.exit(bad === 0 ? 0 : 1);
