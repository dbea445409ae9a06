/** The email shapes the admin app shows (outbox) and the providers send. */

/** An address with an optional display name. */
export interface Mailbox {
  address: string;
  name?: string;
}

/** One email to send, whatever the provider. */
export interface OutboundEmail {
  from: Mailbox;
  to: Mailbox;
  replyTo?: Mailbox;
  subject: string;
  text: string;
  /** Escape every piece of user text in it with `escapeHtml`. */
  html?: string;
  /** `<id@domain>`; see `newMessageId`. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** `url` must be https for one-click unsubscribe (RFC 8058). */
  listUnsubscribe?: { url: string; mailto?: string };
  /** Extra headers, e.g. `Auto-Submitted`. Structural headers cannot be set here. */
  headers?: Record<string, string>;
  /** Files sent with the message (an `.ics` invitation…). */
  attachments?: EmailAttachment[];
}

/** A file attached to an email; `content` is its bytes in base64. */
export interface EmailAttachment {
  filename: string;
  /** A MIME type with optional parameters: `text/calendar; method=REQUEST`. */
  contentType: string;
  content: string;
}
