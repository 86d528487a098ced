// Proves check-no-any catches leaks: a schema with a free-form field and an
// untyped response body must fail, in exactly those places.
import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import { findLeaks } from "./check-no-any.mjs";

const fixture = new URL("./fixtures/leaky.yaml", import.meta.url);
const text = astToString(await openapiTS(readFileSync(fixture, "utf8"), { alphabetize: true }));
const { leaks } = findLeaks("leaky.d.ts", text);
const expected = [
  "operations.things_create.responses.201.content.application/json: unknown",
  "components.schemas.ThingRequest.meta.[key]: unknown",
];
const missing = expected.filter((want) => !leaks.some((leak) => leak.endsWith(want)));
if (missing.length || leaks.length !== expected.length) {
  console.error("check-no-any selftest FAILED\nfound:\n  " + leaks.join("\n  ") + "\nmissing:\n  " + missing.join("\n  "));
  process.exit(1);
}
console.log(`check-no-any selftest: caught all ${expected.length} planted leaks`);
