// Flows that run inside a real browser page on another origin than the API
// (browser/index.html, driven by browser/run.mjs). They use the generated
// client exactly as a web app would: a cookie session (credentials
// "include", X-CSRFToken on writes), then Bearer tokens; and they read what
// only CORS can make readable (ETag, X-Request-ID, Location,
// Idempotent-Replayed, error bodies).
import createClient from "openapi-fetch";
import { createApiClient, type ApiClient, type components, type paths } from "../index.js";
import { check, checkErrorShape } from "../flows/context.js";

type ErrorResponse = components["schemas"]["ErrorResponse"];
type DocumentOutput = components["schemas"]["DocumentOutput"];

export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
}

type Step = [name: string, run: () => Promise<string | void>];

/** Runs steps in order, stopping at the first failure (later steps build on earlier ones). */
async function runSteps(prefix: string, steps: Step[]): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const [name, run] of steps) {
    try {
      results.push({ name: `${prefix}: ${name}`, ok: true, detail: (await run()) ?? "" });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      results.push({ name: `${prefix}: ${name}`, ok: false, detail });
      break;
    }
  }
  return results;
}

function apiBase(): string {
  const api = new URLSearchParams(window.location.search).get("api");
  check(api !== null, "the page needs ?api=<API base URL>");
  return api.replace(/\/+$/, "");
}

function errorCode(error: ErrorResponse | undefined, where: string): string {
  checkErrorShape(error, where);
  return error?.errors[0]?.code ?? "";
}

interface Account {
  email: string;
  password: string;
}

async function signup(anonymous: ApiClient): Promise<Account> {
  // A fixed passphrase: a random hex one fails the similarity validator against the
  // random hex email about 6% of the time (measured over 5,000 pairs).
  const account = { email: `browser-${crypto.randomUUID()}@example.com`, password: "correct horse battery staple" };
  const { response } = await anonymous.POST("/api/v1/auth/signup", { body: account });
  check(response.status === 202, `signup: status ${response.status}`);
  return account;
}

/** A workspace, then a document created twice with one Idempotency-Key: one document, the first response replayed. */
async function idempotentDocument(client: ApiClient, where: string): Promise<{ workspaceId: string; document: DocumentOutput; etag: string }> {
  const workspace = await client.POST("/api/v1/workspaces", { body: { name: `Browser ${where}` } });
  check(workspace.response.status === 201 && workspace.data !== undefined, `workspace: status ${workspace.response.status} ${JSON.stringify(workspace.error)}`);
  check(workspace.response.headers.get("Location") === `/api/v1/workspaces/${workspace.data.id}`, `workspace: Location ${workspace.response.headers.get("Location")}`);
  const workspaceId = workspace.data.id;

  const key = crypto.randomUUID();
  const send = () =>
    client.POST("/api/v1/workspaces/{workspace_id}/documents", {
      params: { path: { workspace_id: workspaceId }, header: { "Idempotency-Key": key } },
      body: { title: "Written in a browser" },
    });
  const first = await send();
  check(first.response.status === 201 && first.data !== undefined, `document: status ${first.response.status} ${JSON.stringify(first.error)}`);
  const retried = await send();
  check(retried.response.status === 201 && retried.data !== undefined, `retry: status ${retried.response.status}`);
  check(retried.response.headers.get("Idempotent-Replayed") === "true", "retry: Idempotent-Replayed is not readable or not true");
  check(retried.data.id === first.data.id, "retry: created a second document");
  const listed = await client.GET("/api/v1/workspaces/{workspace_id}/documents", { params: { path: { workspace_id: workspaceId } } });
  check(listed.data?.results.length === 1, `retry: ${listed.data?.results.length} documents listed`);

  const etag = first.response.headers.get("ETag");
  const requestId = first.response.headers.get("X-Request-ID");
  const location = first.response.headers.get("Location");
  check(etag === `"${first.data.version}"`, `ETag read as ${etag}`);
  check(requestId !== null && requestId.length > 0, "X-Request-ID read as null");
  check(location === `/api/v1/workspaces/${workspaceId}/documents/${first.data.id}`, `Location read as ${location}`);
  return { workspaceId, document: first.data, etag };
}

/** PATCH with the current ETag in If-Match (200), then again with the stale one (412, readable body). */
async function conditionalUpdates(client: ApiClient, workspaceId: string, document: DocumentOutput, etag: string): Promise<string> {
  const path = { workspace_id: workspaceId, document_id: document.id };
  const fresh = await client.PATCH("/api/v1/workspaces/{workspace_id}/documents/{document_id}", {
    params: { path, header: { "If-Match": etag } },
    body: { title: "Edited in a browser" },
  });
  check(fresh.response.status === 200 && fresh.data !== undefined, `If-Match current: status ${fresh.response.status} ${JSON.stringify(fresh.error)}`);
  const newEtag = fresh.response.headers.get("ETag");
  check(newEtag === `"${fresh.data.version}"` && newEtag !== etag, `If-Match current: new ETag ${newEtag}`);

  const stale = await client.PATCH("/api/v1/workspaces/{workspace_id}/documents/{document_id}", {
    params: { path, header: { "If-Match": etag } },
    body: { title: "Lost update" },
  });
  check(stale.response.status === 412, `If-Match stale: status ${stale.response.status}`);
  const code = errorCode(stale.error, "If-Match stale");
  check(code === "precondition_failed", `If-Match stale: code ${code}`);
  check(stale.error?.request_id === stale.response.headers.get("X-Request-ID"), "412: request_id differs from the readable X-Request-ID");
  return `412 ${code}`;
}

// --- cookie session ----------------------------------------------------------------

const cookieState: { account?: Account; csrf?: string; workspaceId?: string } = {};

function cookieClient(): ApiClient {
  return createApiClient({ baseUrl: apiBase(), getCsrfToken: () => cookieState.csrf });
}

export async function cookiePhase(): Promise<StepResult[]> {
  const client = cookieClient();
  let created: Awaited<ReturnType<typeof idempotentDocument>> | undefined;
  return runSteps("cookie", [
    ["signup", async () => {
      cookieState.account = await signup(createApiClient({ baseUrl: apiBase() }));
    }],
    ["login with transport cookie", async () => {
      const account = cookieState.account;
      check(account !== undefined, "no account");
      const { data, response } = await client.POST("/api/v1/auth/login", { body: { ...account, transport: "cookie" } });
      check(response.status === 200 && data !== undefined, `login: status ${response.status}`);
      check(data.token === null, "login: the token is in the body");
      check(data.transport === "cookie" && data.csrf_token !== null, "login: no csrf_token");
      check(!document.cookie.includes("session"), "the session cookie is readable by JavaScript");
      cookieState.csrf = data.csrf_token;
    }],
    ["me from the cookie alone", async () => {
      const { data, response } = await client.GET("/api/v1/auth/me");
      check(response.status === 200 && data?.email === cookieState.account?.email, `me: status ${response.status}`);
    }],
    ["document created with Idempotency-Key, retried", async () => {
      created = await idempotentDocument(client, "cookie");
      cookieState.workspaceId = created.workspaceId;
      return `ETag ${created.etag}`;
    }],
    ["PATCH If-Match: current 200, stale 412", async () => {
      check(created !== undefined, "no document");
      return conditionalUpdates(client, created.workspaceId, created.document, created.etag);
    }],
    ["a cookie POST without X-CSRFToken is refused", async () => {
      const bare = createClient<paths>({ baseUrl: apiBase(), credentials: "include" });
      const { response, error } = await bare.POST("/api/v1/workspaces", { body: { name: "no csrf" } });
      check(response.status === 403, `status ${response.status}`);
      const code = errorCode(error, "csrf");
      check(code === "csrf_failed", `code ${code}`);
      return `403 ${code}`;
    }],
  ]);
}

/** After the stranger page tried its cross-site writes: nothing was created; then log out. */
export async function cookieFinish(strangerMarker: string): Promise<StepResult[]> {
  const client = cookieClient();
  return runSteps("cookie", [
    ["the other origin's cookie POST created nothing", async () => {
      const { data } = await client.GET("/api/v1/workspaces");
      check(data !== undefined, "cannot list workspaces");
      const names = data.results.map((workspace) => workspace.name);
      check(!names.some((name) => name.includes(strangerMarker)), `found ${JSON.stringify(names)}`);
      return `${names.length} workspaces, none from the other origin`;
    }],
    ["logout clears the session", async () => {
      const { response } = await client.POST("/api/v1/auth/logout");
      check(response.status === 204, `logout: status ${response.status}`);
      const me = await client.GET("/api/v1/auth/me");
      check(me.response.status === 401, `me after logout: status ${me.response.status}`);
    }],
  ]);
}

// --- bearer tokens -----------------------------------------------------------------

export async function bearerPhase(): Promise<StepResult[]> {
  const session: { token?: string } = {};
  const client = createApiClient({ baseUrl: apiBase(), getToken: () => session.token });
  let created: Awaited<ReturnType<typeof idempotentDocument>> | undefined;
  let account: Account | undefined;
  return runSteps("bearer", [
    ["signup", async () => {
      account = await signup(client);
    }],
    ["login with a bearer token", async () => {
      check(account !== undefined, "no account");
      const { data, response } = await client.POST("/api/v1/auth/login", { body: account });
      check(response.status === 200 && data !== undefined && data.token !== null, `login: status ${response.status}`);
      check(data.transport === "bearer", `login: transport ${data.transport}`);
      session.token = data.token;
    }],
    ["me with the Authorization header", async () => {
      const { data, response } = await client.GET("/api/v1/auth/me");
      check(response.status === 200 && data?.email === account?.email, `me: status ${response.status}`);
    }],
    ["document created with Idempotency-Key, retried (no CSRF header needed)", async () => {
      created = await idempotentDocument(client, "bearer");
      return `ETag ${created.etag}`;
    }],
    ["PATCH If-Match: current 200, stale 412", async () => {
      check(created !== undefined, "no document");
      return conditionalUpdates(client, created.workspaceId, created.document, created.etag);
    }],
    ["logout ends the token", async () => {
      const { response } = await client.POST("/api/v1/auth/logout");
      check(response.status === 204, `logout: status ${response.status}`);
      const me = await client.GET("/api/v1/auth/me");
      check(me.response.status === 401, `me after logout: status ${me.response.status}`);
    }],
  ]);
}

// --- a page on an origin the API does not allow ----------------------------------------

async function blocked(request: () => Promise<Response>): Promise<boolean> {
  try {
    await request();
    return false;
  } catch (error) {
    return error instanceof TypeError; // what fetch throws when CORS refuses
  }
}

export async function strangerPhase(marker: string): Promise<StepResult[]> {
  const api = apiBase();
  return runSteps("other origin", [
    ["reading /me with the session cookie is blocked", async () => {
      check(await blocked(() => fetch(`${api}/api/v1/auth/me`, { credentials: "include" })), "the response was readable");
    }],
    ["even a public endpoint is unreadable", async () => {
      check(await blocked(() => fetch(`${api}/api/v1/`)), "the index was readable");
    }],
    ["a JSON POST with a guessed CSRF header fails its preflight", async () => {
      const attempt = () =>
        fetch(`${api}/api/v1/workspaces`, {
          method: "POST",
          credentials: "include",
          headers: { "Content-Type": "application/json", "X-CSRFToken": "guess" },
          body: JSON.stringify({ name: `stolen ${marker}` }),
        });
      check(await blocked(attempt), "the preflight passed");
    }],
    ["a no-cors form-like POST with the cookie is sent blind", async () => {
      const response = await fetch(`${api}/api/v1/workspaces`, {
        method: "POST",
        mode: "no-cors",
        credentials: "include",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify({ name: `stolen ${marker}` }),
      });
      check(response.type === "opaque", `response type ${response.type}`);
      return "opaque (the page learns nothing; the API must refuse it: checked from the allowed page)";
    }],
  ]);
}

declare global {
  interface Window {
    browserFlows?: {
      cookiePhase: typeof cookiePhase;
      cookieFinish: typeof cookieFinish;
      bearerPhase: typeof bearerPhase;
      strangerPhase: typeof strangerPhase;
    };
  }
}

window.browserFlows = { cookiePhase, cookieFinish, bearerPhase, strangerPhase };
