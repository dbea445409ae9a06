/**
 * Email providers behind one interface, chosen by configuration: the local `outbox`, the
 * MailChannels Email API, and Cloudflare's `send_email` binding. Every failure is an
 * `EmailSendError` that says whether trying again later can help, so the caller can
 * retry with backoff and never drop a message silently.
 */
import { EmailMessage } from "cloudflare:email";
import { buildMime, EmailFormatError, normalizeOutbound, type Mailbox, type OutboundEmail } from "./mime";

export interface EmailProvider {
  readonly name: "outbox" | "mailchannels" | "cloudflare";
  /** Sends one message; resolves with the provider's id for it, rejects with `EmailSendError`. */
  send(msg: OutboundEmail): Promise<{ id: string }>;
}

/** A failed send. `retryable`: a later attempt may succeed (5xx, 429, network). */
export class EmailSendError extends Error {
  override name = "EmailSendError";
  readonly retryable: boolean;
  readonly status?: number;
  constructor(message: string, opts: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.retryable = opts.retryable;
    this.status = opts.status;
  }
}

/**
 * Local mode: hands the message and its MIME text to `store` (the Site's outbox), which
 * returns the id it stored it under.
 */
export function outboxProvider(store: (msg: OutboundEmail, raw: string) => Promise<string>): EmailProvider {
  return {
    name: "outbox",
    async send(msg) {
      const raw = format(() => buildMime(msg));
      try {
        return { id: await store(normalizeOutbound(msg), raw) };
      } catch (err) {
        throw new EmailSendError(`outbox: ${messageOf(err)}`, { retryable: true, cause: err });
      }
    },
  };
}

export interface MailChannelsConfig {
  apiKey: string;
  /** DKIM signing by MailChannels: all three, or none. */
  dkimDomain?: string;
  dkimSelector?: string;
  /** PEM or bare base64; PEM armour and whitespace are removed. */
  dkimPrivateKey?: string;
  /** Injected for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/** The MailChannels Email API endpoint (https://docs.mailchannels.net/email-api/). */
export const MAILCHANNELS_SEND_URL = "https://api.mailchannels.net/tx/v1/send";

// MailChannels sets these itself and refuses them in `headers` (API reference,
// "Reserved headers"); our Message-ID is one of them, so MailChannels assigns its own.
const MAILCHANNELS_RESERVED = new Set([
  "authentication-results",
  "bcc",
  "cc",
  "content-transfer-encoding",
  "content-type",
  "dkim-signature",
  "from",
  "message-id",
  "received",
  "reply-to",
  "subject",
  "to",
]);

/**
 * The MailChannels Email API: `POST /tx/v1/send` with the `X-Api-Key` header, DKIM
 * settings in the personalization. 5xx, 429 and network failures are retryable; other
 * 4xx are not (a bad request or key fails the same way again).
 */
export function mailchannelsProvider(config: MailChannelsConfig): EmailProvider {
  const dkim = [config.dkimDomain, config.dkimSelector, config.dkimPrivateKey];
  if (dkim.some(Boolean) && !dkim.every(Boolean)) {
    throw new Error("MailChannels DKIM needs dkimDomain, dkimSelector and dkimPrivateKey together");
  }
  if (!config.apiKey) throw new Error("MailChannels needs an API key");
  const doFetch = config.fetch ?? fetch;

  return {
    name: "mailchannels",
    async send(msg) {
      const body = format(() => mailchannelsBody(normalizeOutbound(msg), config));
      let response: Response;
      try {
        response = await doFetch(MAILCHANNELS_SEND_URL, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": config.apiKey },
          body: JSON.stringify(body),
        });
      } catch (err) {
        throw new EmailSendError(`mailchannels: network error: ${messageOf(err)}`, { retryable: true, cause: err });
      }
      const text = await response.text().catch(() => "");
      if (!response.ok) {
        const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
        const detail = text.slice(0, 300) || response.statusText;
        throw new EmailSendError(`mailchannels: HTTP ${response.status}: ${detail}`, {
          retryable,
          status: response.status,
        });
      }
      const result = parseJson(text) as MailChannelsResponse | undefined;
      const first = result?.results?.[0];
      if (first?.status === "failed") {
        throw new EmailSendError(`mailchannels: not sent: ${first.reason ?? "failed"}`, {
          retryable: false,
          status: response.status,
        });
      }
      return { id: first?.message_id ?? result?.request_id ?? msg.messageId };
    },
  };
}

interface MailChannelsResponse {
  request_id?: string;
  results?: { index: number; message_id?: string; reason?: string; status: "sent" | "failed" }[];
}

/** The JSON body of a MailChannels send request. */
export function mailchannelsBody(msg: OutboundEmail, config: Omit<MailChannelsConfig, "apiKey" | "fetch">) {
  const headers: Record<string, string> = {};
  if (msg.inReplyTo) headers["In-Reply-To"] = msg.inReplyTo;
  if (msg.references?.length) headers.References = msg.references.join(" ");
  if (msg.listUnsubscribe) {
    const { url, mailto } = msg.listUnsubscribe;
    headers["List-Unsubscribe"] = mailto ? `<${url}>, <mailto:${mailto}>` : `<${url}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  for (const [name, value] of Object.entries(msg.headers ?? {})) {
    if (!MAILCHANNELS_RESERVED.has(name.toLowerCase())) headers[name] = value;
  }
  const personalization: Record<string, unknown> = { to: [person(msg.to)] };
  if (config.dkimDomain && config.dkimSelector && config.dkimPrivateKey) {
    personalization.dkim_domain = config.dkimDomain;
    personalization.dkim_selector = config.dkimSelector;
    personalization.dkim_private_key = config.dkimPrivateKey.replace(/-----[^-]+-----|\s/g, "");
  }
  const content = [{ type: "text/plain", value: msg.text }];
  if (msg.html !== undefined) content.push({ type: "text/html", value: msg.html });
  return {
    personalizations: [personalization],
    from: person(msg.from),
    ...(msg.replyTo ? { reply_to: person(msg.replyTo) } : {}),
    subject: msg.subject,
    content,
    ...(msg.attachments?.length
      ? { attachments: msg.attachments.map((a) => ({ content: a.content, filename: a.filename, type: a.contentType })) }
      : {}),
    headers,
    // Our own List-Unsubscribe is kept; MailChannels adds its own only to non-transactional mail.
    transactional: true,
  };
}

/**
 * Cloudflare Email Service through a `send_email` binding, with the MIME from `buildMime`
 * (so our Message-ID is the one the recipient sees). Rate limits, daily limits and
 * internal errors are retryable; configuration and validation errors are not.
 */
export function cloudflareProvider(binding: SendEmail): EmailProvider {
  return {
    name: "cloudflare",
    async send(msg) {
      const raw = format(() => buildMime(msg));
      const { from, to, messageId } = normalizeOutbound(msg);
      try {
        const result = await binding.send(new EmailMessage(from.address, to.address, raw));
        return { id: result?.messageId || messageId };
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        const retryable = typeof code !== "string" || CLOUDFLARE_RETRYABLE.has(code);
        throw new EmailSendError(`cloudflare: ${typeof code === "string" ? `${code}: ` : ""}${messageOf(err)}`, {
          retryable,
          cause: err,
        });
      }
    },
  };
}

// Error codes of the binding (Email Service, Workers API) worth another attempt; the
// others (E_VALIDATION_ERROR, E_SENDER_NOT_VERIFIED, E_RECIPIENT_SUPPRESSED…) fail again.
const CLOUDFLARE_RETRYABLE = new Set([
  "E_RATE_LIMIT_EXCEEDED",
  "E_DAILY_LIMIT_EXCEEDED",
  "E_DELIVERY_FAILED",
  "E_INTERNAL_SERVER_ERROR",
]);

function person(box: Mailbox): { email: string; name?: string } {
  return box.name ? { email: box.address, name: box.name } : { email: box.address };
}

/** Runs a formatting step; a message that cannot be written is never retryable. */
function format<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof EmailFormatError) throw new EmailSendError(err.message, { retryable: false, cause: err });
    throw err;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
