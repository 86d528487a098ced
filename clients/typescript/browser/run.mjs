// The browser suite: Debian's Chromium, driven by playwright-core (never a
// downloaded browser), against a live API server (API_BASE_URL).
//
// 1. A static page on a second loopback origin (PAGE_PORT, which the server
//    lists in CORS_ALLOWED_ORIGINS) loads the generated client and runs the
//    flows of src/browser/flows.ts: a cookie session, then Bearer tokens.
// 2. A page on a third origin (STRANGER_PORT, not allowed) gets nothing, and
//    its blind cross-site POST with the session cookie creates nothing.
// 3. Swagger UI, Redoc and the admin login are loaded and screenshotted
//    (SCREENSHOT_DIR); any console error, CSP violation or request to
//    another host fails the suite.
//
// Prints one line per check and "N passed, N failed"; exits 1 on any failure.
//   API_BASE_URL=http://127.0.0.1:8000 PAGE_PORT=8001 STRANGER_PORT=8002 node browser/run.mjs
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const CLIENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const API = (process.env.API_BASE_URL ?? "").replace(/\/+$/, "");
const PAGE_PORT = Number(process.env.PAGE_PORT);
const STRANGER_PORT = Number(process.env.STRANGER_PORT);
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(CLIENT_DIR, "build", "screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const DOCS_PAGES = [
  ["swagger", "/api/v1/schema/swagger/", ".opblock-tag"],
  ["redoc", "/api/v1/schema/redoc/", "[role=menuitem]"],
  ["admin-login", "/admin/login/", "#login-form"],
];
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript" };

if (!API || !PAGE_PORT || !STRANGER_PORT) {
  console.error("set API_BASE_URL, PAGE_PORT and STRANGER_PORT");
  process.exit(2);
}

/** The static page, the compiled flows and openapi-fetch, on 127.0.0.1:port. */
function servePage(port) {
  const files = {
    "/": join(CLIENT_DIR, "browser", "index.html"),
    "/vendor/openapi-fetch.mjs": join(CLIENT_DIR, "node_modules", "openapi-fetch", "dist", "index.mjs"),
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://page").pathname;
    const file = files[path] ?? (path.startsWith("/app/") ? join(CLIENT_DIR, "build", "browser-app", path.slice(5)) : null);
    if (!file || !file.startsWith(CLIENT_DIR) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((done) => server.listen(port, "127.0.0.1", () => done(server)));
}

const results = [];
function record(name, ok, detail = "") {
  results.push({ name, ok, detail });
  console.log(`${ok ? "ok  " : "FAIL"}  ${name}${detail ? ` (${detail})` : ""}`);
}

async function openFlowsPage(context, port) {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?api=${encodeURIComponent(API)}`);
  await page.waitForFunction(() => window.browserFlows !== undefined, null, { timeout: 15_000 });
  return page;
}

async function runPhase(page, phase, argument) {
  const steps = await page.evaluate(([name, arg]) => window.browserFlows[name](arg), [phase, argument]);
  for (const step of steps) record(step.name, step.ok, step.detail);
  return steps.every((step) => step.ok);
}

/** Load a docs page; fail on console errors, CSP violations and requests to other hosts. */
async function checkDocsPage(context, [name, path, ready]) {
  const page = await context.newPage();
  const problems = [];
  const apiOrigin = new URL(API).origin;
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== apiOrigin) {
      problems.push(`external request: ${url}`);
    }
  });
  const started = Date.now();
  const response = await page.goto(`${API}${path}`, { waitUntil: "load" });
  if (response?.status() !== 200) problems.push(`status ${response?.status()}`);
  try {
    await page.waitForSelector(ready, { timeout: 60_000 });
    await page.waitForLoadState("networkidle");
  } catch (error) {
    problems.push(`never rendered ${ready}: ${error.message.split("\n")[0]}`);
  }
  const screenshot = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: screenshot });
  record(`docs: ${name} renders with no console error, CSP violation or external request`,
    problems.length === 0, problems.length ? problems.join("; ") : `${Date.now() - started} ms, ${screenshot}`);
  await page.close();
}

const servers = [await servePage(PAGE_PORT), await servePage(STRANGER_PORT)];
const profile = mkdtempSync(join(tmpdir(), "browser-suite-"));
mkdirSync(SCREENSHOT_DIR, { recursive: true });
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const page = await openFlowsPage(context, PAGE_PORT);
  const marker = `m${Date.now()}`;
  if (await runPhase(page, "cookiePhase")) {
    const stranger = await openFlowsPage(context, STRANGER_PORT);
    await runPhase(stranger, "strangerPhase", marker);
    await stranger.close();
    await runPhase(page, "cookieFinish", marker);
  }
  await runPhase(page, "bearerPhase");
  await page.close();
  for (const docsPage of DOCS_PAGES) await checkDocsPage(context, docsPage);
} catch (error) {
  record("browser suite", false, error instanceof Error ? error.message : String(error));
} finally {
  await context?.close();
  for (const server of servers) server.close();
  rmSync(profile, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
