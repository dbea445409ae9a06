/**
 * A preview: what a Conversation sends its Site between two of its summaries so that
 * operators' inbox lists show a change at once (see conversation/site-report.ts and
 * site/inbox/). Both objects use this file: the Conversation writes previews, the Site reads
 * them, by RPC or over the socket a busy conversation opens to its Site
 * (conversation/preview-link.ts); and both serialize a summary for operators' lists the
 * same way (`conversationFrame`).
 */

import type { InboxEntry, SiteServerFrame } from "../protocol";

/**
 * A conversation's newest summary as operators' lists are sent it: the `conversation`
 * frame, serialized by the Conversation (the Site passes it on as it is), with the id and
 * `rev` the Site orders them by, and the last seq (the Site counts the messages it shows).
 */
export interface Preview {
  id: string;
  rev: number;
  lastSeq: number;
  frame: string;
}

/** The entry as operators' lists show it and the inbox keeps it: the activity is for reports only. */
export function listed(entry: InboxEntry): InboxEntry {
  const { activity: _reportsOnly, ...rest } = entry;
  return rest;
}

/**
 * The `conversation` frame operators' lists get for a summary, serialized: a preview's, as
 * the Conversation sends it, and a stored summary's, as the Site does.
 */
export function conversationFrame(entry: InboxEntry): string {
  const frame: SiteServerFrame = { type: "conversation", conversation: listed(entry) };
  return JSON.stringify(frame);
}

/**
 * The path of the Site's fetch that opens a preview socket. Only objects reach it: the
 * Worker calls a Site's fetch with its own URL for operators' sockets, never a client's.
 */
export const PREVIEW_SOCKET_PATH = "/previews";

/** The close code with which a Site tells a Conversation it wants no previews for now. */
export const PREVIEWS_NOT_WANTED = 4010;

/** A preview as one socket message: a line with its id, `rev` and last seq, then the frame. */
export function encodePreview(preview: Preview): string {
  return `${preview.id} ${preview.rev} ${preview.lastSeq}\n${preview.frame}`;
}

const HEADER = /^(\S+) (\d{1,15}) (\d{1,15})$/;

/** The preview in a socket message, or null when the message is not one. */
export function decodePreview(message: string | ArrayBuffer): Preview | null {
  if (typeof message !== "string") return null;
  const lineEnd = message.indexOf("\n");
  const header = lineEnd > 0 ? HEADER.exec(message.slice(0, lineEnd)) : null;
  const frame = message.slice(lineEnd + 1);
  if (!header || !frame.startsWith("{")) return null;
  return { id: header[1]!, rev: Number(header[2]), lastSeq: Number(header[3]), frame };
}
