// Account flows over the typed client: signup, login, me, sessions, revoke one, logout-all.
//
// Each flow leaves what the next needs in ctx (the account and its first
// session). Every call goes through openapi-fetch with the generated types, so
// a renamed or retyped field fails `npm run typecheck` before it fails here.
import { randomUUID } from "node:crypto";
import { createApiClient, type ApiClient, type components } from "../index.js";
import { check, checkErrorShape, type FlowContext } from "./context.js";

type ErrorResponse = components["schemas"]["ErrorResponse"];
type LoginOutput = components["schemas"]["LoginOutput"];
type SessionOutput = components["schemas"]["SessionOutput"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A client that sends `token` (or nothing): one per session, like separate devices. */
function clientFor(ctx: FlowContext, token: string | undefined): ApiClient {
  return createApiClient({ baseUrl: ctx.baseUrl, getToken: () => token });
}

function account(ctx: FlowContext): { email: string; password: string } {
  check(ctx.account !== undefined, "no account: the signup flow must run first");
  return ctx.account;
}

function token(ctx: FlowContext): string {
  check(ctx.session.token !== undefined, "no token: the login flow must run first");
  return ctx.session.token;
}

/** A typed error body: the standard shape, with the expected type and first code. */
function checkError(
  where: string,
  error: ErrorResponse | undefined,
  response: Response,
  expected: { status: number; type: ErrorResponse["type"]; code: string },
): ErrorResponse {
  check(response.status === expected.status, `${where}: status ${response.status}, want ${expected.status}`);
  check(error !== undefined, `${where}: no error body`);
  checkErrorShape(error, where);
  check(error.type === expected.type, `${where}: error type ${error.type}, want ${expected.type}`);
  const codes = error.errors.map((item) => item.code);
  check(codes.includes(expected.code), `${where}: error codes ${JSON.stringify(codes)}, want ${expected.code}`);
  check(error.request_id === response.headers.get("x-request-id"), `${where}: request_id differs from X-Request-ID`);
  return error;
}

/** A bearer login: the token is in the body (null only for cookie logins). */
type BearerLogin = LoginOutput & { token: string };

async function logIn(ctx: FlowContext, clientName: string): Promise<BearerLogin> {
  const { email, password } = account(ctx);
  const { data, response } = await clientFor(ctx, undefined).POST("/api/v1/auth/login", {
    body: { email, password, client_name: clientName },
  });
  check(response.status === 200 && data !== undefined, `login (${clientName}): status ${response.status}`);
  const bearer = data.token;
  check(bearer !== null && bearer.length > 0, "login: no token in a bearer login");
  check(data.transport === "bearer" && data.csrf_token === null, `login: transport ${data.transport}`);
  check(UUID.test(data.session_id), `login: session_id ${data.session_id} is not a UUID`);
  check(data.expiry === null || !Number.isNaN(Date.parse(data.expiry)), `login: expiry ${data.expiry}`);
  check(data.user.email === email, `login: user.email ${data.user.email}, want ${email}`);
  return { ...data, token: bearer };
}

async function sessionsOf(ctx: FlowContext, as: string): Promise<SessionOutput[]> {
  const { data, response } = await clientFor(ctx, as).GET("/api/v1/auth/sessions");
  check(response.status === 200 && data !== undefined, `sessions: status ${response.status}`);
  check(data.next === null || data.next === undefined, "sessions: a second page for a handful of sessions");
  return data.results;
}

async function meStatus(ctx: FlowContext, as: string): Promise<number> {
  const { error, response } = await clientFor(ctx, as).GET("/api/v1/auth/me");
  if (response.status === 401) {
    checkError("me after revocation", error, response, {
      status: 401, type: "client_error", code: "authentication_failed",
    }); // prettier-ignore
  }
  return response.status;
}

/** Signup answers 202 with the same body whether or not the email has an account. */
export async function signup(ctx: FlowContext): Promise<void> {
  const email = `flows-${randomUUID()}@example.com`;
  // No hex in it: the similarity validator refused a random-UUID passphrase against the
  // random-UUID email about 6% of the time (measured over 5,000 pairs).
  const password = "correct horse battery staple";
  const anonymous = clientFor(ctx, undefined);

  const first = await anonymous.POST("/api/v1/auth/signup", { body: { email, password } });
  check(
    first.response.status === 202 && first.data !== undefined,
    `signup: status ${first.response.status} ${JSON.stringify(first.error)}`,
  );
  check(first.data.detail.length > 0, "signup: empty detail");

  const again = await anonymous.POST("/api/v1/auth/signup", { body: { email, password: `other ${password}` } });
  check(again.response.status === 202 && again.data !== undefined, `signup again: status ${again.response.status}`);
  check(again.data.detail === first.data.detail, "signup: an existing email answers differently");

  const weak = await anonymous.POST("/api/v1/auth/signup", {
    body: { email: `flows-${randomUUID()}@example.com`, password: "123" },
  });
  const error = checkError("signup with a weak password", weak.error, weak.response, {
    status: 400, type: "validation_error", code: "password_too_short",
  }); // prettier-ignore
  check(error.errors.every((item) => item.attr === "password"), "signup: weak password error not on `password`");

  ctx.account = { email, password };
}

/** Login returns a token for the account (no email verification needed); a wrong password is 401. */
export async function login(ctx: FlowContext): Promise<void> {
  const { email, password } = account(ctx);
  const wrong = await clientFor(ctx, undefined).POST("/api/v1/auth/login", {
    body: { email, password: `not ${password}`, client_name: "flows" },
  });
  checkError("login with a wrong password", wrong.error, wrong.response, {
    status: 401, type: "client_error", code: "authentication_failed",
  }); // prettier-ignore

  const session = await logIn(ctx, "flows-web");
  check(!session.user.email_verified, "login: a fresh account is already verified");
  ctx.session.token = session.token;
  ctx.sessionId = session.session_id;
}

/** me answers the logged-in user; without a token it is 401 in the standard shape. */
export async function me(ctx: FlowContext): Promise<void> {
  const { data, response } = await ctx.client.GET("/api/v1/auth/me");
  check(response.status === 200 && data !== undefined, `me: status ${response.status}`);
  check(data.email === account(ctx).email, `me: email ${data.email}`);
  check(Number.isInteger(data.id) && data.id > 0, `me: id ${data.id}`);
  check(!Number.isNaN(Date.parse(data.date_joined)), `me: date_joined ${data.date_joined}`);

  const anonymous = await clientFor(ctx, undefined).GET("/api/v1/auth/me");
  checkError("me without a token", anonymous.error, anonymous.response, {
    status: 401, type: "client_error", code: "not_authenticated",
  }); // prettier-ignore
}

/** The only session is the current one, with the login's id and client name. */
export async function listSessions(ctx: FlowContext): Promise<void> {
  const sessions = await sessionsOf(ctx, token(ctx));
  check(sessions.length === 1, `sessions: ${sessions.length} sessions, want 1`);
  const [only] = sessions;
  check(only !== undefined && only.id === ctx.sessionId, "sessions: the login's session is not listed");
  check(only.current, "sessions: the session in use is not marked current");
  check(only.client_name === "flows-web", `sessions: client_name ${only.client_name}`);
}

/** Log in again (a second device), revoke that session from the first: it is gone and refused. */
export async function revokeOne(ctx: FlowContext): Promise<void> {
  const phone = await logIn(ctx, "flows-phone");
  const before = await sessionsOf(ctx, token(ctx));
  check(before.length === 2, `revoke: ${before.length} sessions before, want 2`);
  const other = before.find((session) => session.id === phone.session_id);
  check(other !== undefined && !other.current, "revoke: the second session is missing or marked current");
  check((await meStatus(ctx, phone.token)) === 200, "revoke: the second token does not work before revoking");

  const revoke = await ctx.client.DELETE("/api/v1/auth/sessions/{session_id}", {
    params: { path: { session_id: phone.session_id } },
  });
  check(revoke.response.status === 204, `revoke: status ${revoke.response.status}`);

  const after = await sessionsOf(ctx, token(ctx));
  check(
    after.length === 1 && after[0]?.id === ctx.sessionId,
    `revoke: sessions after are ${JSON.stringify(after.map((s) => s.id))}`,
  );
  check((await meStatus(ctx, phone.token)) === 401, "revoke: the revoked token still works");
  check((await meStatus(ctx, token(ctx))) === 200, "revoke: the revoking session stopped working");

  const again = await ctx.client.DELETE("/api/v1/auth/sessions/{session_id}", {
    params: { path: { session_id: phone.session_id } },
  });
  checkError("revoke a revoked session", again.error, again.response, {
    status: 404, type: "client_error", code: "not_found",
  }); // prettier-ignore
}

/** logout-all ends every session of the account: each token is refused right after. */
export async function logoutAll(ctx: FlowContext): Promise<void> {
  const laptop = await logIn(ctx, "flows-laptop");
  const current = token(ctx);
  const { response } = await ctx.client.POST("/api/v1/auth/logout-all");
  check(response.status === 204, `logout-all: status ${response.status}`);
  check((await meStatus(ctx, current)) === 401, "logout-all: the calling token still works");
  check((await meStatus(ctx, laptop.token)) === 401, "logout-all: another session's token still works");
  const listed = await clientFor(ctx, current).GET("/api/v1/auth/sessions");
  check(listed.response.status === 401, `logout-all: sessions answered ${listed.response.status}`);
  ctx.session.token = undefined;
  ctx.sessionId = undefined;
}
