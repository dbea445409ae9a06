import type { Conversation } from "./conversation";
import type { Site } from "./site";
import type { Deployment } from "./deployment";

/** Bindings and variables of the Worker (wrangler.toml, secrets, .dev.vars). */
export interface Env {
  CONVERSATION: DurableObjectNamespace<Conversation>;
  SITE: DurableObjectNamespace<Site>;
  ASSETS: Fetcher;
  /** R2 bucket of the files and images sent in conversations (worker/files/). */
  FILES: R2Bucket;
  /** "local" (npm start), "test" (vitest) or "production". */
  ENVIRONMENT: string;
  /** Signs visitor tokens. A secret: `wrangler secret put TOKEN_SECRET`. */
  TOKEN_SECRET: string;
  /** The deployment owner's token for creating sites. A secret. */
  ADMIN_TOKEN?: string;
  /** This deployment's public URL (https://chat.example.com), for links in emails. */
  PUBLIC_URL?: string;
  /** "outbox" (the default locally), "mailchannels" or "cloudflare". */
  EMAIL_PROVIDER?: string;
  /** Sender of outbound email: `support@shop.example` or `Shop <support@shop.example>`. */
  EMAIL_FROM?: string;
  /** Domain whose mail is routed to this Worker's email() handler: reply+…@INBOUND_DOMAIN. */
  INBOUND_DOMAIN?: string;
  /** MailChannels Email API key (a secret) and optional DKIM signing. */
  MAILCHANNELS_API_KEY?: string;
  DKIM_DOMAIN?: string;
  DKIM_SELECTOR?: string;
  DKIM_PRIVATE_KEY?: string;
  /** Cloudflare Email Service binding ([[send_email]] in wrangler.toml). */
  SEND_EMAIL?: SendEmail;
  /** Deployment-wide state: signup codes and the open signup's per-IP counter. */
  DEPLOYMENT: DurableObjectNamespace<Deployment>;
  /** Who may create sites: "closed" (admin token only, the default), "invite" (signup codes), "open". */
  SIGNUP?: string;
  /** Cloudflare Realtime TURN key for video calls (a key id and its API token, a secret). */
  TURN_KEY_ID?: string;
  /** Local runtimes only: multiplies the per-client visitor limits (load and reliability runs). */
  VISITOR_LIMITS_SCALE?: string;
  TURN_KEY_API_TOKEN?: string;
  /** Where TURN credentials are minted (default https://rtc.live.cloudflare.com/v1); tests point it at a local server. */
  TURN_API_URL?: string;
  /** STUN servers for calls, comma-separated (default stun:stun.cloudflare.com:3478). */
  ICE_STUN_URLS?: string;
  /** Web Push (VAPID, RFC 8292): the deployment's public key (base64url, 65 bytes) and its
   * private key (a secret, base64url `d`); generated on first use when running locally. */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  /** Who push services may contact: `mailto:…` or an https URL (default: PUBLIC_URL). */
  VAPID_SUBJECT?: string;
  /** The Telegram Bot API's base URL (default https://api.telegram.org); tests point it at a local fake. */
  TELEGRAM_API_URL?: string;
}

/** True when the Worker runs on a developer machine (wrangler dev or tests). */
export function isLocal(env: Env): boolean {
  return env.ENVIRONMENT === "local" || env.ENVIRONMENT === "test";
}
