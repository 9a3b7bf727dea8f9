// SPDX-License-Identifier: MIT
// Lint docs/openapi.yaml: a valid OpenAPI 3.0 document whose $refs all
// resolve (@apidevtools/swagger-parser). Exit 0 when it is, 1 otherwise.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  const paths = Object.keys(api.paths).length;
  console.log(`${file}: valid OpenAPI ${api.openapi}, ${paths} paths`);
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
