// Generates src/generated/schema.d.ts from ../../schema.yaml (openapi-typescript).
//
// Same output as `openapi-typescript ../../schema.yaml --alphabetize`, except
// for the schema's recursive JSON type (components.schemas.JsonValue): emitted
// in place, `components["schemas"]["JsonValue"][]` refers to itself through an
// indexed access that TypeScript cannot defer (TS2502), so the component
// becomes a top-level recursive type alias instead. The script checks that the
// component still has the shape the alias spells out and fails otherwise.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { parse } from "yaml";

const SCHEMA = new URL("../../../schema.yaml", import.meta.url);
const OUTPUT = new URL("../src/generated/schema.d.ts", import.meta.url);
const RECURSIVE = {
  "#/components/schemas/JsonValue": {
    alias: "JsonValue",
    declaration:
      "/** Any JSON value (components.schemas.JsonValue). */\n" +
      "export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };",
    expected: {
      nullable: true,
      oneOf: [
        { type: "string" },
        { type: "number" },
        { type: "boolean" },
        { type: "array", items: { $ref: "#/components/schemas/JsonValue" } },
        { type: "object", additionalProperties: { $ref: "#/components/schemas/JsonValue" } },
      ],
    },
  },
};

const document = parse(await readFile(SCHEMA, "utf8"));
const inject = [];
for (const [ref, { declaration, expected }] of Object.entries(RECURSIVE)) {
  const name = ref.split("/").at(-1);
  const component = document.components?.schemas?.[name];
  if (component === undefined) continue;
  const { description: _description, ...shape } = component;
  if (JSON.stringify(shape) !== JSON.stringify(expected)) {
    console.error(`generate: ${ref} changed shape; update RECURSIVE in scripts/generate.mjs`);
    process.exit(1);
  }
  inject.push(declaration);
}

const ast = await openapiTS(SCHEMA, {
  alphabetize: true,
  inject: inject.join("\n"),
  transform(_schemaObject, options) {
    const recursive = RECURSIVE[options.path];
    return recursive ? ts.factory.createTypeReferenceNode(recursive.alias) : undefined;
  },
});
await mkdir(new URL(".", OUTPUT), { recursive: true });
await writeFile(OUTPUT, astToString(ast));
console.log(`generate: ${OUTPUT.pathname.split("/").slice(-3).join("/")} from schema.yaml`);
