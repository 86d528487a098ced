// Runs the client flows against a live server: API_BASE_URL=http://127.0.0.1:PORT npm run flows
import { createContext, type Flow } from "./context.js";
import { listSessions, login, logoutAll, me, revokeOne, signup } from "./accounts.js";
import { healthz, servedSchemaMatchesCommitted, unknownRouteIsStandardError } from "./platform.js";
import { createDocument, createWorkspace, exportToCompletion, search } from "./workspaces.js";

// In order: later flows may rely on state earlier ones left in ctx.session.
// The domain flows run as the signed-up account, before logoutAll ends its sessions.
const FLOWS: Record<string, Flow> = {
  healthz,
  servedSchemaMatchesCommitted,
  unknownRouteIsStandardError,
  signup,
  login,
  me,
  listSessions,
  revokeOne,
  createWorkspace,
  createDocument,
  search,
  exportToCompletion,
  logoutAll,
};

async function main(): Promise<number> {
  const baseUrl = process.env["API_BASE_URL"];
  if (!baseUrl) {
    console.error("API_BASE_URL is not set (e.g. http://127.0.0.1:8000)");
    return 2;
  }
  const ctx = createContext(baseUrl.replace(/\/+$/, ""));
  let failed = 0;
  for (const [name, flow] of Object.entries(FLOWS)) {
    const started = performance.now();
    try {
      await flow(ctx);
      console.log(`ok    ${name} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      failed += 1;
      console.error(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`${Object.keys(FLOWS).length - failed}/${Object.keys(FLOWS).length} flows passed`);
  return failed ? 1 : 0;
}

process.exit(await main());
