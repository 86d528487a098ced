// The typed client: openapi-fetch over the types generated from schema.yaml.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

export type { components, operations, paths } from "./generated/schema.js";

export type ApiClient = Client<paths>;

export interface ClientOptions {
  /** e.g. "http://127.0.0.1:8000" (no trailing slash) */
  baseUrl: string;
  /** Returns the current auth token (from authLogin), or undefined when signed out. */
  getToken?: () => string | undefined;
  /**
   * Web apps with a cookie session (authLogin with `transport: "cookie"`): returns
   * the session's `csrf_token`, sent as X-CSRFToken on every POST/PUT/PATCH/DELETE.
   * Setting it also sends cookies cross-origin (`credentials: "include"`).
   */
  getCsrfToken?: () => string | undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Sends `X-CSRFToken` on unsafe requests whenever getCsrfToken() has one. */
export function csrfHeader(getCsrfToken: () => string | undefined): Middleware {
  return {
    onRequest({ request }) {
      const csrf = getCsrfToken();
      if (csrf && !SAFE_METHODS.has(request.method)) request.headers.set("X-CSRFToken", csrf);
      return request;
    },
  };
}

/** Sends `Authorization: Bearer <token>` whenever getToken() has one. */
export function tokenAuth(getToken: () => string | undefined): Middleware {
  return {
    onRequest({ request }) {
      const token = getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
}

export function createApiClient(options: ClientOptions): ApiClient {
  const client = options.getCsrfToken
    ? createClient<paths>({ baseUrl: options.baseUrl, credentials: "include" })
    : createClient<paths>({ baseUrl: options.baseUrl });
  if (options.getToken) client.use(tokenAuth(options.getToken));
  if (options.getCsrfToken) client.use(csrfHeader(options.getCsrfToken));
  return client;
}

/**
 * The standard error body every 4xx/5xx carries. Taken from the schema's shared
 * ErrorResponse component once an operation documents it; until then, the
 * same shape written out (it is asserted at run time by the flows).
 */
export type ErrorResponse = components["schemas"] extends { ErrorResponse: infer E }
  ? E
  : {
      type: "validation_error" | "client_error" | "server_error";
      errors: { code: string; detail: string; attr: string | null }[];
      request_id: string | null;
    };
