import { createApiClient, type ApiClient } from "../index.js";

/** What every flow gets: the live server's base URL and a client bound to it. */
export interface FlowContext {
  baseUrl: string;
  client: ApiClient;
  /** Token state shared by the flows of one run (set by signup/login flows). */
  session: { token: string | undefined };
  /** The account the signup flow created, and the login flow's session id. */
  account?: { email: string; password: string };
  sessionId?: string | undefined;
  /** What the domain flows made: the workspace, a document and a word only it has. */
  workspaceId?: string;
  documentId?: string;
  searchWord?: string;
}

export function createContext(baseUrl: string): FlowContext {
  const session: FlowContext["session"] = { token: undefined };
  const client = createApiClient({ baseUrl, getToken: () => session.token });
  return { baseUrl, client, session };
}

export type Flow = (ctx: FlowContext) => Promise<void>;

export class FlowError extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FlowError(message);
}

/** Asserts the standard error body: {type, errors[{code, detail, attr}], request_id}. */
export function checkErrorShape(body: unknown, where: string): void {
  check(typeof body === "object" && body !== null, `${where}: error body is not an object`);
  const error = body as Record<string, unknown>;
  check(
    ["validation_error", "client_error", "server_error"].includes(String(error["type"])),
    `${where}: bad error type ${JSON.stringify(error["type"])}`,
  );
  check(Array.isArray(error["errors"]) && error["errors"].length > 0, `${where}: no errors[]`);
  for (const item of error["errors"] as unknown[]) {
    const e = item as Record<string, unknown>;
    check(typeof e["code"] === "string" && typeof e["detail"] === "string", `${where}: bad error item`);
    check(e["attr"] === null || typeof e["attr"] === "string", `${where}: bad error attr`);
  }
  check(error["request_id"] === null || typeof error["request_id"] === "string", `${where}: bad request_id`);
}
