/**
 * Files and the email loop. A visitor's email reply: its attachments of an allowed type
 * (checked by content, as uploads are) go to R2 within the site's limits and show in the
 * chat; the others (an archive, a "zip bomb", an executable, anything over the limits) are
 * not stored and are named with the reason. Emails to the visitor list the files of the
 * messages they carry as links signed for weeks (the visitor has no token in a mail client).
 */
import type { Env } from "../env";
import { isFailure } from "../lib/errors";
import { conversationStub, siteStub } from "../lib/jurisdiction";
import type { Attachment, Message } from "../protocol";
import { EMAIL_LINK_TTL_SECONDS, signedFilePath } from "./links";
import { sniffFile } from "./sniff";
import { OVER_CONVERSATION_LIMIT } from "./ledger";
import { newFileId, putFile } from "./storage";

/** At most this many attachments of one email are stored. */
export const MAX_EMAIL_FILES = 10;
const MB = 1024 * 1024;

export interface StoredAttachments {
  /** The conversation's site ("" when it has none). */
  siteKey: string;
  files: Attachment[];
  /** Attachments not stored, with why (shown to operators). */
  refused: Array<{ name: string; reason: string }>;
  /** The conversation's limit, in bytes, which the conversation checks again when it posts them. */
  limitBytes: number;
}

/** Stores the allowed attachments of an email reply to conversation `id`. */
export async function storeEmailAttachments(
  env: Env,
  id: string,
  attachments: ReadonlyArray<{ filename: string; content: Uint8Array }>,
): Promise<StoredAttachments> {
  const out: StoredAttachments = { siteKey: "", files: [], refused: [], limitBytes: 0 };
  const conversation = conversationStub(env, id);
  if (!attachments.length || !conversation) return out;
  const probe = await conversation.roomForEmail(Number.MAX_SAFE_INTEGER);
  if (isFailure(probe)) return out;
  out.siteKey = probe.siteKey;
  const limits = await siteStub(env, probe.siteKey).fileSettings();
  out.limitBytes = limits.maxConversationMB * MB;
  const room = await conversation.roomForEmail(out.limitBytes);
  let free = isFailure(room) ? 0 : room.freeBytes;
  for (const [i, a] of attachments.entries()) {
    const name = a.filename || `attachment-${i + 1}`;
    const refuse = (reason: string) => void out.refused.push({ name, reason });
    if (out.files.length >= MAX_EMAIL_FILES) refuse(`at most ${MAX_EMAIL_FILES} files per email`);
    else if (a.content.byteLength > limits.maxFileMB * MB)
      refuse(`larger than ${limits.maxFileMB} MB, this site's limit`);
    else if (a.content.byteLength > free) refuse(OVER_CONVERSATION_LIMIT);
    else {
      const sniffed = sniffFile(a.content, name);
      if ("code" in sniffed) refuse(sniffed.message);
      else {
        const file: Attachment = { id: newFileId(), ...sniffed, size: a.content.byteLength };
        await putFile(
          env.FILES,
          { siteKey: probe.siteKey, conversationId: id, fileId: file.id },
          a.content,
          file,
          "email",
        );
        out.files.push(file);
        free -= file.size;
      }
    }
  }
  return out;
}

/**
 * The messages with a line per file added to their text: "name: link", the link signed for
 * EMAIL_LINK_TTL_SECONDS. Messages without files are returned as they are.
 */
export async function withFileLinks(
  env: Pick<Env, "TOKEN_SECRET">,
  ref: { siteKey: string; conversationId: string; publicUrl: string },
  messages: Message[],
  now = Date.now(),
): Promise<Message[]> {
  return Promise.all(
    messages.map(async (m) => {
      if (!m.attachments?.length) return m;
      const lines = await Promise.all(
        m.attachments.map(async (a) => {
          const path = await signedFilePath(
            env.TOKEN_SECRET,
            { siteKey: ref.siteKey, conversationId: ref.conversationId, fileId: a.id },
            now,
            EMAIL_LINK_TTL_SECONDS,
          );
          return `📎 ${a.name}: ${ref.publicUrl}${path}`;
        }),
      );
      return { ...m, text: [m.text, ...lines].filter(Boolean).join("\n") };
    }),
  );
}
