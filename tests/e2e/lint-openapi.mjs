// SPDX-License-Identifier: MIT
// Lint docs/openapi.yaml: a valid OpenAPI 3.0 document whose $refs all
// resolve (@apidevtools/swagger-parser). Exit 0 when it is, 1 otherwise,
// and 1 with the reason when the npm tools are not installed.
let SwaggerParser;
try {
  SwaggerParser = (await import("@apidevtools/swagger-parser")).default;
} catch {
  console.error("cannot run: @apidevtools/swagger-parser is not installed in tests/e2e/node_modules " +
    "(run scripts/bootstrap test, or: cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)");
  process.exit(1);
}

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const paths = Object.keys(api.paths).length;
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${paths} paths`);
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
