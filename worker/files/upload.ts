/**
 * One upload, from the request to the stored message: the conversation admits the sender
 * and the size, the body is read up to the site's per-file limit (never further), its
 * content is checked against the allowlist and its name (./sniff.ts), the bytes go to R2,
 * and the conversation posts the message. Anything refused leaves nothing stored.
 */
import type { Env } from "../env";
import { ApiError, isFailure, unwrap, type Failure } from "../lib/errors";
import { conversationStub, siteStub } from "../lib/jurisdiction";
import { clientId as clientIdSchema, type Attachment, type Message } from "../protocol";
import type { FileParty } from "./conversation";
import { sniffFile } from "./sniff";
import { deleteFiles, newFileId, putFile } from "./storage";

const MB = 1024 * 1024;

/** What an upload answers: the message that carries the file. */
export interface Uploaded {
  message: Message;
  file: Attachment;
  duplicate: boolean;
}

/** Receives the body of `request` as a file of `conversationId` sent by `party`. */
export async function receiveUpload(
  env: Env,
  request: Request,
  party: FileParty,
  conversationId: string,
): Promise<Uploaded> {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "";
  const clientId = url.searchParams.get("clientId") ?? "";
  if (!name.trim()) throw new ApiError(400, "missing_name", "give the file's name as ?name=");
  if (!clientIdSchema.safeParse(clientId).success) {
    throw new ApiError(
      400,
      "invalid_client_id",
      "give ?clientId= (1–64 of A-Z a-z 0-9 _ . : -) so a retried upload is stored once",
    );
  }
  const conversation = conversationStub(env, conversationId);
  if (!conversation) throw new ApiError(404, "not_found", "no such conversation");
  const limits = await siteStub(env, party.siteKey).fileSettings();
  const fileLimit = limits.maxFileMB * MB;
  const conversationLimit = limits.maxConversationMB * MB;
  const declared = Number(request.headers.get("Content-Length") ?? 0) || 0;
  if (declared > fileLimit) throw tooLarge(limits.maxFileMB);

  const admitted = unwrap(await conversation.admitFile(party, clientId, declared, conversationLimit)) as
    | { siteKey: string }
    | { duplicate: Message };
  if ("duplicate" in admitted) return answerOf(admitted.duplicate, true);
  const bytes = await readLimited(request.body, fileLimit);
  if (!bytes) throw tooLarge(limits.maxFileMB);
  const sniffed = sniffFile(bytes, name);
  if ("code" in sniffed) throw new ApiError(sniffed.status, sniffed.code, sniffed.message);

  const file: Attachment = { id: newFileId(), ...sniffed, size: bytes.byteLength };
  const ref = { siteKey: party.siteKey, conversationId, fileId: file.id };
  await putFile(env.FILES, ref, bytes, file, party.role);
  const posted = (await conversation.postFile(party, clientId, file, conversationLimit)) as Message | Failure;
  if (isFailure(posted) || posted.attachments?.[0]?.id !== file.id) {
    // Refused at the last moment (another upload filled the conversation), or a retry won the race.
    await deleteFiles(env.FILES, party.siteKey, conversationId, [file.id]);
    return answerOf(unwrap(posted), true);
  }
  return answerOf(posted, false);
}

function answerOf(message: Message, duplicate: boolean): Uploaded {
  return { message, file: message.attachments?.[0] as Attachment, duplicate };
}

function tooLarge(maxMB: number): ApiError {
  return new ApiError(413, "file_too_large", `the file is larger than ${maxMB} MB, this site's limit`);
}

/** The body's bytes, or null as soon as it is over `limit` (the rest is never read). */
export async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
