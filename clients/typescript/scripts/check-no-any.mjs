// Fails when the generated types for documented bodies contain `any` or `unknown`.
//
// Walks the generated .d.ts with the TypeScript compiler API and records, for
// every `any`/`unknown` keyword, the chain of property names leading to it
// (e.g. paths./api/v1/x.post.responses.200.content.application/json.foo).
// Every occurrence is a failure except one, which is printed, never silent:
// the `[name: string]: unknown` index signature openapi-typescript emits for
// undocumented response *headers* (a header map, not a body).
import { readFileSync } from "node:fs";
import ts from "typescript";

export function findLeaks(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const leaks = [];
  const excused = [];

  const nameOf = (node) => {
    if (!node.name) return undefined;
    if (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) || ts.isNumericLiteral(node.name)) {
      return node.name.text;
    }
    return node.name.getText(source);
  };

  const visit = (node, trail) => {
    let next = trail;
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
      next = [node.name.text];
    } else if (ts.isPropertySignature(node)) {
      next = [...trail, nameOf(node)];
    } else if (ts.isIndexSignatureDeclaration(node)) {
      next = [...trail, `[${node.parameters.map((p) => p.name.getText(source)).join(",")}]`];
    }
    if (node.kind === ts.SyntaxKind.AnyKeyword || node.kind === ts.SyntaxKind.UnknownKeyword) {
      const keyword = node.kind === ts.SyntaxKind.AnyKeyword ? "any" : "unknown";
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      const where = `${fileName}:${line + 1} ${next.join(".")}: ${keyword}`;
      const parent = node.parent;
      const isHeaderMap =
        keyword === "unknown" &&
        ts.isIndexSignatureDeclaration(parent) &&
        next.at(-2) === "headers" &&
        next.at(-1) === "[name]";
      // Anything else fails, inside paths/components or not: nothing else is expected.
      if (isHeaderMap) excused.push(where);
      else leaks.push(where);
    }
    ts.forEachChild(node, (child) => visit(child, next));
  };
  visit(source, []);
  return { leaks, excused };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: check-no-any.mjs FILE.d.ts...");
    process.exit(2);
  }
  let failed = false;
  for (const file of files) {
    const { leaks, excused } = findLeaks(file, readFileSync(file, "utf8"));
    for (const where of excused) console.log(`excused (undocumented response header map): ${where}`);
    for (const where of leaks) console.error(`LEAK: ${where}`);
    if (leaks.length) failed = true;
    console.log(`${file}: ${leaks.length} any/unknown leak(s), ${excused.length} excused header map(s)`);
  }
  if (failed) {
    console.error("check:no-any failed: give these schema fields a concrete type in the serializer / @extend_schema.");
    process.exit(1);
  }
}
