// SPDX-License-Identifier: MIT
// The validator the fake tests rely on (tests/e2e/validate-fakes.mjs): that
// it accepts what the schemas allow, rejects what they do not and names the
// failing JSON path, allows NMKR's extra members only when asked, and finds
// the responses of the official specs. It runs the validator once over a
// folder of answers, one a case, and reads what it says about each.
//
//   node validate-fakes.test.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const validator = join(here, "../e2e/validate-fakes.mjs");
const specs = join(here, "../fixtures/specs");

// What openapi_test.c held the C validator to: GET /things/{id} answers a
// list of Thing, or text; 404 is a $ref to components/responses.
const spec = {
  openapi: "3.0.1",
  paths: {
    "/things/{id}": {
      get: {
        responses: {
          200: {
            content: {
              "text/plain": { schema: { type: "string" } },
              "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Thing" } } },
            },
          },
          404: { $ref: "#/components/responses/NotFound" },
        },
      },
    },
  },
  components: {
    responses: {
      NotFound: {
        content: {
          "application/json": {
            schema: { type: "object", required: ["status_code"], properties: { status_code: { type: "integer" } } },
          },
        },
      },
    },
    schemas: {
      Thing: {
        type: "object",
        required: ["id"],
        additionalProperties: false,
        properties: {
          id: { type: "integer", format: "int32" },
          big: { type: "integer", format: "int64" },
          ratio: { type: "number" },
          name: { type: "string", nullable: true },
          when: { type: "string", format: "date-time" },
          state: { $ref: "#/components/schemas/State" },
          mood: { type: "string", enum: ["calm"], nullable: true },
          tags: { type: "array", items: { type: "string" } },
          any: { oneOf: [{ type: "string" }, { type: "boolean" }] },
          both: {
            allOf: [{ type: "object", required: ["a"] }, { type: "object", required: ["b"] }],
          },
        },
      },
      State: { type: "string", enum: ["Ok", "Error"] },
    },
  },
};

// [case, record, what the validator must say about it (null: nothing)].
const thing = (body, more = {}) => ({ spec: "things", method: "GET", path: "/things/{id}", status: 200, body, ...more });
const cases = [
  ["valid", thing(JSON.stringify([
    { id: 1, big: 9007199254740992, ratio: 1.5, name: null, when: "2025-10-01T12:00:00", state: "Ok",
      mood: null, tags: ["a"], any: true, both: { a: 1, b: 2 } },
    { id: 2, ratio: 2, when: "2025-10-01T12:00:00.123+02:00", mood: "calm" }])), null],
  ["string_for_integer", thing('[{"id":1},{"id":"2"}]'), "$[1].id must be integer"],
  ["fraction_for_integer", thing('[{"id":1.5}]'), "$[0].id must be integer"],
  ["int32_range", thing('[{"id":4294967296}]'), '$[0].id must match format "int32"'],
  ["int64_range", thing('[{"id":1,"big":1e19}]'), '$[0].big must match format "int64"'],
  ["required", thing("[{}]"), "$[0] must have required property 'id'"],
  ["enum", thing('[{"id":1,"state":"ok"}]'), "$[0].state must be equal to one of the allowed values"],
  ["not_nullable", thing('[{"id":1,"ratio":null}]'), "$[0].ratio must be number"],
  ["nested_item", thing('[{"id":1,"tags":["a",3]}]'), "$[0].tags[1] must be string"],
  ["date_time", thing('[{"id":1,"when":"yesterday"}]'), '$[0].when must match format "date-time"'],
  ["date_time_values", thing('[{"id":1,"when":"2025-13-01T12:00:00"}]'), '$[0].when must match format "date-time"'],
  ["one_of", thing('[{"id":1,"any":3}]'), "$[0].any must match exactly one schema in oneOf"],
  ["all_of", thing('[{"id":1,"both":{"a":1}}]'), "$[0].both must have required property 'b'"],
  ["not_an_array", thing('{"id":1}'), "$ must be array"],
  ["not_json", thing('[{"id":1'), "the body is not JSON"],
  ["closed", thing('[{"id":1,"newer":true}]'), '$[0] must NOT have additional properties ("newer")'],
  ["closed_extra_allowed", thing('[{"id":1,"newer":true}]', { extra: true }), null],
  ["extra_still_typed", thing('[{"id":"1","newer":true}]', { extra: true }), "$[0].id must be integer"],
  ["response_ref", thing('{"status_code":404}', { status: 404 }), null],
  ["response_ref_checked", thing('{"status_code":"404"}', { status: 404 }), "$.status_code must be integer"],
  ["no_such_status", thing("{}", { status: 500 }), "has no GET /things/{id} 500 response"],
  ["no_such_method", thing("[]", { method: "POST" }), "has no POST /things/{id} 200 response"],
  ["no_such_spec", thing("[]", { spec: "nope" }), 'no document named "nope"'],
  // The official specs: the responses the fake tests hold answers to.
  ["nmkr_getnfts", { spec: "nmkr", method: "GET", path: "/v2/GetNfts/{projectuid}/{state}/{count}/{page}",
    status: 200, body: "[]" }, null],
  ["nmkr_getcounts_401", { spec: "nmkr", method: "GET", path: "/v2/GetCounts/{projectuid}", status: 401,
    body: '{"resultState":"Error","errorMessage":"x","errorCode":1,"innerErrorMessage":null}' }, null],
  ["nmkr_closed", { spec: "nmkr", method: "GET", path: "/v2/GetCounts/{projectuid}", status: 401,
    body: '{"resultState":"Error","newer":1}' }, 'must NOT have additional properties ("newer")'],
  ["nmkr_closed_extra_allowed", { spec: "nmkr", method: "GET", path: "/v2/GetCounts/{projectuid}", status: 401,
    body: '{"resultState":"Error","newer":1}', extra: true }, null],
  // The 2022 NMKR export has no notification endpoints.
  ["nmkr_no_notifications", { spec: "nmkr", method: "GET", path: "/v2/GetNotifications/{projectuid}",
    status: 200, body: "[]" }, "has no GET /v2/GetNotifications/{projectuid} 200 response"],
  ["bf_asset_429", { spec: "blockfrost", method: "GET", path: "/assets/{asset}", status: 429,
    body: '{"status_code":429,"error":"Project Over Limit","message":"Usage is over limit."}' }, null],
  ["bf_addresses", { spec: "blockfrost", method: "GET", path: "/assets/{asset}/addresses", status: 200,
    body: '[{"address":"addr_test1a","quantity":10}]' }, "$[0].quantity must be string"],
];

const dir = mkdtempSync(join(tmpdir(), "validate-fakes-"));
let failed = 0;
try {
  writeFileSync(join(dir, "things.json"), JSON.stringify(spec));
  writeFileSync(join(dir, "cases.jsonl"),
    cases.map(([at, r]) => JSON.stringify({ at, ...r })).join("\n") + "\n");
  const run = spawnSync(process.execPath, [validator, dir, `things=${join(dir, "things.json")}`,
    `nmkr=${join(specs, "nmkr-studio-v2.openapi.json")}`,
    `blockfrost=${join(specs, "blockfrost.openapi.json")}`], { encoding: "utf8" });
  // One message a case that does not hold: "cases (<case>): ...".
  const said = new Map();
  for (const line of run.stderr.split("\n")) {
    const m = /^cases \(([a-z0-9_]+)\): (.*)$/.exec(line);
    if (m) said.set(m[1], m[2]);
  }
  const bad = cases.filter(([, , expect]) => expect !== null).length;
  if (run.status !== 1 || !run.stdout.includes(`${cases.length} answers from 1 tests`) ||
      !run.stdout.includes(`${bad} do not`)) {
    console.error(`validate-fakes.mjs exited ${run.status}, expected 1 with ${bad} of ${cases.length} answers ` +
      `that do not hold:\n${run.stdout}${run.stderr}`);
    failed++;
  }
  for (const [at, , expect] of cases) {
    const got = said.get(at);
    if (expect === null && got !== undefined) {
      console.error(`${at}: expected to hold, the validator says: ${got}`);
      failed++;
    } else if (expect !== null && !(got ?? "").includes(expect)) {
      console.error(`${at}: expected "${expect}", the validator says: ${got ?? "nothing"}`);
      failed++;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${cases.length} cases: ${failed === 0 ? "the validator says what it should" : `${failed} wrong`}`);
process.exit(failed === 0 ? 0 : 1);
