// Flows over the endpoints every deployment has: liveness and the schema.
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { check, checkErrorShape, type FlowContext } from "./context.js";

const COMMITTED_SCHEMA = new URL("../../../../schema.yaml", import.meta.url);

export async function healthz(ctx: FlowContext): Promise<void> {
  const response = await fetch(`${ctx.baseUrl}/healthz`);
  check(response.status === 200, `healthz: status ${response.status}`);
  const body: unknown = await response.json();
  check(JSON.stringify(body) === JSON.stringify({ status: "ok" }), `healthz: body ${JSON.stringify(body)}`);
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string }>>;
}

function operationIds(doc: OpenApiDocument): string[] {
  return Object.values(doc.paths ?? {})
    .flatMap((item) => Object.values(item).map((op) => op.operationId ?? "<missing>"))
    .sort();
}

/** The served schema is the committed one the client was generated from. */
export async function servedSchemaMatchesCommitted(ctx: FlowContext): Promise<void> {
  const response = await fetch(`${ctx.baseUrl}/api/v1/schema/?format=json`);
  check(response.status === 200, `schema: status ${response.status}`);
  check(
    (response.headers.get("content-type") ?? "").includes("json"),
    `schema: content type ${response.headers.get("content-type")}`,
  );
  const served = (await response.json()) as OpenApiDocument;
  const committed = parse(await readFile(COMMITTED_SCHEMA, "utf8")) as OpenApiDocument;
  check(served.openapi.startsWith("3."), `schema: openapi ${served.openapi}`);
  check(served.info.title === committed.info.title, "schema: title differs from schema.yaml");
  check(
    JSON.stringify(Object.keys(served.paths ?? {}).sort()) ===
      JSON.stringify(Object.keys(committed.paths ?? {}).sort()),
    "schema: served paths differ from schema.yaml (regenerate schema.yaml and the client)",
  );
  check(
    JSON.stringify(operationIds(served)) === JSON.stringify(operationIds(committed)),
    "schema: served operationIds differ from schema.yaml",
  );
  check(!operationIds(served).includes("<missing>"), "schema: an operation has no operationId");
}

/** An unknown URL answers 404 in the standard error shape, as JSON. */
export async function unknownRouteIsStandardError(ctx: FlowContext): Promise<void> {
  const response = await fetch(`${ctx.baseUrl}/api/v1/no-such-route/`);
  check(response.status === 404, `404: status ${response.status}`);
  check((response.headers.get("content-type") ?? "").includes("application/json"), "404: not JSON");
  const body: unknown = await response.json();
  checkErrorShape(body, "404");
  check(
    (body as { request_id: unknown }).request_id === response.headers.get("x-request-id"),
    "404: request_id differs from the X-Request-ID header",
  );
}
