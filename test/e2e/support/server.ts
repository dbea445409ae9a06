/** The real Worker in wrangler's local runtime, with the demo site (scripts/local-server.mjs). */
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface TestServer {
  url: string;
  owner: { email: string; password: string };
  vars: Record<string, string>;
  /** Links the server printed for local email (secret links never show in the outbox). */
  consoleLinks(): string[];
  stop(): Promise<void>;
}

/** Starts a throwaway server; call `stop()` in afterAll. */
export async function startServer(): Promise<TestServer> {
  const file = path.resolve(import.meta.dirname, "../../../scripts/local-server.mjs");
  const mod = (await import(pathToFileURL(file).href)) as { startTestServer(): Promise<TestServer> };
  return mod.startTestServer();
}
