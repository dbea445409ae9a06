import type { Conversation } from "./conversation";
import type { Site } from "./site";

/** Bindings and variables of the Worker (wrangler.toml, secrets, .dev.vars). */
export interface Env {
  CONVERSATION: DurableObjectNamespace<Conversation>;
  SITE: DurableObjectNamespace<Site>;
  ASSETS: Fetcher;
  /** "local" (npm start), "test" (vitest) or "production". */
  ENVIRONMENT: string;
  /** Signs visitor tokens. A secret: `wrangler secret put TOKEN_SECRET`. */
  TOKEN_SECRET: string;
  /** The deployment owner's token for creating sites. A secret. */
  ADMIN_TOKEN?: string;
}

/** True when the Worker runs on a developer machine (wrangler dev or tests). */
export function isLocal(env: Env): boolean {
  return env.ENVIRONMENT === "local" || env.ENVIRONMENT === "test";
}
