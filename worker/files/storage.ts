/**
 * The files of conversations in R2, keyed `sites/SITE/conversations/CONVERSATION/FILE` so
 * that everything of a conversation (or a site) is one prefix to list and delete. The
 * object's metadata holds what serving needs: the checked type and the kept name.
 */
import type { Attachment, FileType } from "../protocol";
import { randomHex } from "../lib/crypto";

/** Where one file lives. */
export interface FileRef {
  siteKey: string;
  conversationId: string;
  fileId: string;
}

/** A new file id: `f_` and 32 hex digits (unguessable, and checked on every path). */
export function newFileId(): string {
  return `f_${randomHex(16)}`;
}

/** True for strings shaped like a file id. */
export function isFileId(id: string): boolean {
  return /^f_[0-9a-f]{32}$/.test(id);
}

/** The prefix of every file of a conversation. */
export function conversationPrefix(siteKey: string, conversationId: string): string {
  return `sites/${siteKey}/conversations/${conversationId}/`;
}

/** The R2 key of a file. */
export function fileKey(ref: FileRef): string {
  return conversationPrefix(ref.siteKey, ref.conversationId) + ref.fileId;
}

/** Stores a checked file. */
export async function putFile(
  bucket: R2Bucket,
  ref: FileRef,
  bytes: Uint8Array,
  file: Attachment,
  uploader: string,
): Promise<void> {
  await bucket.put(fileKey(ref), bytes, {
    httpMetadata: { contentType: file.type },
    customMetadata: { name: file.name, uploader },
  });
}

/** The stored file with its type and name, or null. */
export async function getFile(
  bucket: R2Bucket,
  ref: FileRef,
): Promise<{ body: ReadableStream; size: number; type: FileType; name: string } | null> {
  const object = await bucket.get(fileKey(ref));
  if (!object) return null;
  return {
    body: object.body,
    size: object.size,
    type: (object.httpMetadata?.contentType ?? "application/octet-stream") as FileType,
    name: object.customMetadata?.name ?? ref.fileId,
  };
}

/** Deletes some files of a conversation. */
export async function deleteFiles(
  bucket: R2Bucket,
  siteKey: string,
  conversationId: string,
  fileIds: string[],
): Promise<void> {
  if (fileIds.length) await bucket.delete(fileIds.map((fileId) => fileKey({ siteKey, conversationId, fileId })));
}

/** Deletes every file under a prefix (a conversation's), a thousand keys per call; returns how many. */
export async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await bucket.list({ prefix, limit: 1000 });
    if (!page.objects.length) return deleted;
    await bucket.delete(page.objects.map((o) => o.key));
    deleted += page.objects.length;
    if (!page.truncated) return deleted;
  }
}
