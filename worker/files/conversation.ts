/**
 * The Conversation object's side of files: who may add a file (the conversation's visitor,
 * or an operator of its site), whether it fits the conversation's limit, posting it as a
 * message, the operator's delete-message action (which deletes its files), and erasing
 * every file of the conversation. The bytes live in R2 (./storage.ts), the list in the
 * object's `files` table (./ledger.ts).
 */
import type { ConversationHost } from "../conversation/host";
import { failure, type Failure } from "../lib/errors";
import type { Attachment, Author, Message } from "../protocol";
import { forgetFilesOf, listFiles, usedBytes } from "./ledger";
import { conversationPrefix, deleteFiles, deletePrefix } from "./storage";

/** Who sends a file, as the Worker authenticated them. */
export type FileParty =
  | { role: "visitor"; siteKey: string; visitorId: string }
  /** `note`: the operator added the file to an internal note, which the visitor never sees. */
  | { role: "operator"; siteKey: string; id: string; name?: string; note?: boolean };

const MB = 1024 * 1024;

/**
 * Before the bytes are read: may this party add `size` bytes here? A `clientId` already
 * stored answers with its message (a retried upload is never stored twice).
 */
export function admitFile(
  host: ConversationHost,
  party: FileParty,
  clientId: string,
  size: number,
  limitBytes: number,
): { siteKey: string } | { duplicate: Message } | Failure {
  const refusal = partyRefusal(host, party);
  if (refusal) return refusal;
  const known = host.store.seqOfClientId(clientId);
  const message = known === null ? null : host.store.message(known);
  if (message) return { duplicate: message };
  return quotaRefusal(host, size, limitBytes) ?? { siteKey: party.siteKey };
}

/** After the file is in R2: posts it as a message of the party (checked again: uploads race). */
export function postFile(
  host: ConversationHost,
  party: FileParty,
  clientId: string,
  file: Attachment,
  limitBytes: number,
): Message | Failure {
  const admitted = admitFile(host, party, clientId, file.size, limitBytes);
  if ("duplicate" in admitted) return admitted.duplicate;
  if ("error" in admitted) return admitted;
  const state = host.store.state()!;
  const author: Author =
    party.role === "operator"
      ? { kind: "operator", id: party.id, ...(party.name ? { name: party.name } : {}) }
      : { kind: "visitor", ...(state.visitor_name ? { name: state.visitor_name } : {}) };
  const note = party.role === "operator" && party.note === true;
  return host.post({
    clientId,
    author,
    text: "",
    at: Date.now(),
    attachments: [file],
    ...(note ? { meta: { internal: true } } : {}),
  });
}

/**
 * Of an email reply's files, already in R2, those that still fit the conversation's limit,
 * in order, and those that no longer do: its room was measured (roomForEmail) before they
 * were stored, and another email or upload may have taken it since.
 */
export function emailFilesThatFit(
  host: ConversationHost,
  files: Attachment[],
  limitBytes: number,
): { fit: Attachment[]; over: Attachment[] } {
  let free = limitBytes - usedBytes(host.sql);
  const fit: Attachment[] = [];
  const over: Attachment[] = [];
  for (const file of files) {
    if (file.size > free) over.push(file);
    else {
      fit.push(file);
      free -= file.size;
    }
  }
  return { fit, over };
}

/** Which site the conversation is of and how many bytes of files it may still take (an email reply's attachments). */
export function roomForEmail(
  host: ConversationHost,
  limitBytes: number,
): { siteKey: string; freeBytes: number } | Failure {
  const state = host.store.state();
  if (!state) return failure(404, "not_found", "no such conversation");
  return { siteKey: state.site_key, freeBytes: Math.max(0, limitBytes - usedBytes(host.sql)) };
}

/** The conversation's files for an operator of `siteKey` (the visitor card's gallery). */
export function filesFor(host: ConversationHost, siteKey: string) {
  return partyRefusal(host, { role: "operator", siteKey, id: "" }) ?? listFiles(host.sql);
}

/** An operator deletes a message: its text and files go, every socket that saw it is told. */
export async function deleteMessage(
  host: ConversationHost,
  siteKey: string,
  seq: number,
): Promise<{ seq: number; files: number } | Failure> {
  const refusal = partyRefusal(host, { role: "operator", siteKey, id: "" });
  if (refusal) return refusal;
  const message = host.store.message(seq);
  if (!message) return failure(404, "unknown_message", "no message with this seq");
  const ids = forgetFilesOf(host.sql, seq);
  host.store.remove(seq);
  await deleteFiles(host.env.FILES, siteKey, host.id, ids);
  host.toAll({ type: "deleted", seq }, message.meta?.internal === true ? "operator" : undefined);
  host.changed();
  return { seq, files: ids.length };
}

/** Deletes every file of the conversation from R2 (its erasure). */
export function eraseFiles(host: Pick<ConversationHost, "env" | "id">, siteKey: string): Promise<number> {
  return deletePrefix(host.env.FILES, conversationPrefix(siteKey, host.id));
}

function partyRefusal(host: ConversationHost, party: FileParty): Failure | null {
  const state = host.store.state();
  if (!state) return failure(404, "not_found", "no such conversation; open the chat first");
  if (state.site_key !== party.siteKey) return failure(403, "forbidden", "this conversation belongs to another site");
  if (party.role === "visitor" && state.visitor_id !== party.visitorId) {
    return failure(403, "forbidden", "this conversation belongs to another visitor");
  }
  return null;
}

function quotaRefusal(host: ConversationHost, size: number, limitBytes: number): Failure | null {
  const used = usedBytes(host.sql);
  if (used + size <= limitBytes) return null;
  return failure(
    413,
    "conversation_full",
    `this conversation holds ${(used / MB).toFixed(1)} MB of files; at most ${Math.round(limitBytes / MB)} MB in all`,
  );
}
