// Domain flows over the typed client: a workspace, a document, search, and an
// export built by the chained job, polled to completion and downloaded.
//
// They run as the account the accounts flows signed up (before logoutAll).
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as pause } from "node:timers/promises";
import type { components } from "../index.js";
import { check, type FlowContext } from "./context.js";

type JobOutput = components["schemas"]["JobOutput"];

const JOB_DEADLINE_MS = 90_000;
const POLL_EVERY_MS = 200;
const FINAL: ReadonlySet<JobOutput["status"]> = new Set(["succeeded", "failed", "cancelled"]);

function workspaceId(ctx: FlowContext): string {
  check(ctx.workspaceId !== undefined, "no workspace: the createWorkspace flow must run first");
  return ctx.workspaceId;
}

/** Create a workspace: the creator is its owner, and it is in their list. */
export async function createWorkspace(ctx: FlowContext): Promise<void> {
  const name = `Flows ${randomUUID().slice(0, 8)}`;
  const created = await ctx.client.POST("/api/v1/workspaces", { body: { name } });
  check(
    created.response.status === 201 && created.data !== undefined,
    `workspace: status ${created.response.status} ${JSON.stringify(created.error)}`,
  );
  check(created.data.name === name && created.data.role === "owner", "workspace: wrong name or role");

  const listed = await ctx.client.GET("/api/v1/workspaces");
  check(listed.response.status === 200 && listed.data !== undefined, `workspaces: status ${listed.response.status}`);
  check(
    listed.data.results.some((workspace) => workspace.id === created.data.id),
    "workspaces: the new workspace is not listed",
  );
  ctx.workspaceId = created.data.id;
}

/** Create a document with a word no other document has: the database counts its words. */
export async function createDocument(ctx: FlowContext): Promise<void> {
  const marker = `zebra${randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const body = `The ${marker} grazes near the river. It is a quiet afternoon.`;
  const created = await ctx.client.POST("/api/v1/workspaces/{workspace_id}/documents", {
    params: { path: { workspace_id: workspaceId(ctx) } },
    body: { title: "Field notes", body, status: "published", tags: ["flows"] },
  });
  check(
    created.response.status === 201 && created.data !== undefined,
    `document: status ${created.response.status} ${JSON.stringify(created.error)}`,
  );
  const document = created.data;
  check(document.workspace_id === workspaceId(ctx), "document: in another workspace");
  check(document.body === body && document.status === "published", "document: body or status differs");
  check(document.word_count === body.split(/\s+/).length, `document: word_count ${document.word_count}`);
  check(document.version === 1, `document: version ${document.version}`);
  ctx.documentId = document.id;
  ctx.searchWord = marker;
}

/** Full-text search finds the document by a word of its body, and not by an absent word. */
export async function search(ctx: FlowContext): Promise<void> {
  check(ctx.searchWord !== undefined && ctx.documentId !== undefined, "no document: createDocument first");
  const path = { workspace_id: workspaceId(ctx) };
  const found = await ctx.client.GET("/api/v1/workspaces/{workspace_id}/documents", {
    params: { path, query: { q: ctx.searchWord } },
  });
  check(found.response.status === 200 && found.data !== undefined, `search: status ${found.response.status}`);
  check(
    found.data.results.length === 1 && found.data.results[0]?.id === ctx.documentId,
    `search: found ${JSON.stringify(found.data.results.map((d) => d.id))}`,
  );

  const missing = await ctx.client.GET("/api/v1/workspaces/{workspace_id}/documents", {
    params: { path, query: { q: `absent${randomUUID().slice(0, 8)}` } },
  });
  check(missing.response.status === 200 && missing.data !== undefined, `search: status ${missing.response.status}`);
  check(missing.data.results.length === 0, "search: an absent word found documents");
}

/** Start an export, poll its job to success, then download the archive it describes. */
export async function exportToCompletion(ctx: FlowContext): Promise<void> {
  const path = { workspace_id: workspaceId(ctx) };
  const started = await ctx.client.POST("/api/v1/workspaces/{workspace_id}/exports", { params: { path } });
  check(
    started.response.status === 202 && started.data !== undefined,
    `export: status ${started.response.status} ${JSON.stringify(started.error)}`,
  );
  const jobId = started.data.job_id;
  check(jobId !== null, "export: no job_id");

  let job: JobOutput | undefined;
  const deadline = Date.now() + JOB_DEADLINE_MS;
  while (Date.now() < deadline) {
    const polled = await ctx.client.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } });
    check(polled.response.status === 200 && polled.data !== undefined, `job: status ${polled.response.status}`);
    job = polled.data;
    if (FINAL.has(job.status)) break;
    await pause(POLL_EVERY_MS);
  }
  check(job !== undefined && FINAL.has(job.status), `job: not finished after ${JOB_DEADLINE_MS} ms (${job?.status})`);
  check(job.status === "succeeded", `job: ${job.status} ${JSON.stringify(job.error)}`);
  check(
    job.steps.length > 1 && job.steps.every((step) => step.status === "succeeded"),
    `job: steps ${JSON.stringify(job.steps.map((step) => [step.name, step.status]))}`,
  );

  const done = await ctx.client.GET("/api/v1/workspaces/{workspace_id}/exports/{export_id}", {
    params: { path: { ...path, export_id: started.data.id } },
  });
  check(done.response.status === 200 && done.data !== undefined, `export: status ${done.response.status}`);
  const exported = done.data;
  check(exported.status === "ready", `export: ${exported.status} after its job succeeded`);
  check(exported.document_count === 1, `export: document_count ${exported.document_count}`);
  check(exported.download_url !== null, "export: ready without a download_url");

  // The signed link needs no Authorization header.
  const download = await fetch(exported.download_url);
  check(download.status === 200, `download: status ${download.status}`);
  const archive = Buffer.from(await download.arrayBuffer());
  check(archive.subarray(0, 2).toString("latin1") === "PK", "download: not a zip archive");
  check(archive.length === exported.size_bytes, `download: ${archive.length} bytes, export says ${exported.size_bytes}`);
  const digest = createHash("sha256").update(archive).digest("hex");
  check(digest === exported.sha256, "download: sha256 differs from the export's");
}
