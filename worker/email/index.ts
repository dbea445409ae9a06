/**
 * Email, pure parts: signed reply addresses, inbound parsing and reply stripping, MIME
 * building, and the providers that send (network only through an injected `fetch` or a
 * binding). No Durable Object state lives here.
 */
export {
  LEGACY_REPLY_CUTOVER,
  REPLY_ADDRESS_LIFETIME_DAYS,
  REPLY_PREFIX,
  parseReplyAddress,
  replyAddress,
  unsubscribeToken,
  verifyUnsubscribeToken,
  type ReplyAddressResult,
  type UnsubscribeTokenResult,
} from "./address";
export { decodeFlowed, takeFlowedParts, type FlowedParams } from "./flowed";
export { decodeEntities, htmlToText, type HtmlToTextOptions } from "./html";
export {
  MAX_INBOUND_BYTES,
  MAX_QUOTED_CHARS,
  automaticKind,
  deliveryKey,
  parseInbound,
  type AutomaticKind,
  type InboundAttachment,
  type InboundEmail,
} from "./inbound";
export {
  EmailFormatError,
  base64Text,
  buildMime,
  escapeHtml,
  newMessageId,
  normalizeOutbound,
  quotedPrintable,
  type EmailAttachment,
  type Mailbox,
  type OutboundEmail,
} from "./mime";
export {
  EmailSendError,
  MAILCHANNELS_SEND_URL,
  cloudflareProvider,
  mailchannelsBody,
  mailchannelsProvider,
  outboxProvider,
  type EmailProvider,
  type MailChannelsConfig,
} from "./providers";
export { extractReply, type ExtractedReply } from "./reply";
export { emailTime, followupEmail, newChatEmail, transcriptEmail, type Composed, type Locale } from "./compose";
