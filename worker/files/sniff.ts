/**
 * What a file really is, read from its bytes: the allowlist of types a conversation accepts
 * (JPEG, PNG, GIF, WebP, PDF, plain UTF-8 text), checked by magic bytes and never by the
 * name or the Content-Type the sender claimed. A file whose name says another type, a
 * file that also carries HTML or SVG markup (a polyglot a browser could be talked into
 * rendering), and an image too big to decode are refused with a message a person can act on.
 */
import { FILE_LIMITS, type FileType } from "../protocol";
import { imageSize } from "./dimensions";

/** What the server knows of an accepted file. */
export interface SniffedFile {
  type: FileType;
  /** The name to keep: the sender's, cleaned, with the type's extension. */
  name: string;
  width?: number;
  height?: number;
}

export type FileRefusal = { status: 400 | 413 | 415; code: string; message: string };

interface Kind {
  type: FileType;
  extensions: readonly string[];
  matches(bytes: Uint8Array): boolean;
}

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));

/** The allowlist, in the order contents are tried. */
export const KINDS: readonly Kind[] = [
  { type: "image/jpeg", extensions: ["jpg", "jpeg"], matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: "image/png", extensions: ["png"], matches: (b) => ascii(b, 0, "\x89PNG\r\n\x1a\n") },
  { type: "image/gif", extensions: ["gif"], matches: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a") },
  { type: "image/webp", extensions: ["webp"], matches: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP") },
  { type: "application/pdf", extensions: ["pdf"], matches: (b) => ascii(b, 0, "%PDF-") },
  { type: "text/plain", extensions: ["txt", "csv", "log"], matches: isPlainText },
];

const ALLOWED_LIST = "JPEG, PNG, GIF, WebP, PDF or plain text";

/** Raster images are the only files ever shown inline. */
export function isRasterImage(type: string): boolean {
  return type === "image/jpeg" || type === "image/png" || type === "image/gif" || type === "image/webp";
}

/**
 * Checks an upload against the allowlist and its name.
 *
 * @example sniffFile(bytes, "photo.jpg") // → {type: "image/jpeg", name: "photo.jpg", width, height}
 */
export function sniffFile(bytes: Uint8Array, rawName: string): SniffedFile | FileRefusal {
  const name = cleanName(rawName);
  if (!bytes.length) return refuse(400, "empty_file", "the file is empty");
  const ext = extensionOf(name);
  const named = ext ? KINDS.find((k) => k.extensions.includes(ext)) : undefined;
  if (ext && !named) return refuse(415, "type_not_allowed", `.${ext} files are not accepted; send ${ALLOWED_LIST}`);
  const kind = KINDS.find((k) => k.matches(bytes));
  if (!kind) return refuse(415, "type_not_allowed", `this file's content is not ${ALLOWED_LIST}`);
  if (named && named.type !== kind.type) {
    return refuse(
      415,
      "type_mismatch",
      `the file is named .${ext} but its content is ${kind.type}; rename it or send the right file`,
    );
  }
  if (kind.type !== "text/plain" && carriesMarkup(bytes)) {
    return refuse(415, "active_content", "the file also contains HTML or SVG markup; such files are not accepted");
  }
  const finalName = named ? name : `${name || "file"}.${kind.extensions[0]}`;
  if (!isRasterImage(kind.type)) return { type: kind.type, name: finalName };
  const size = imageSize(bytes, kind.type);
  if (!size) return refuse(415, "bad_image", "the image is damaged: its size cannot be read");
  if (size.width * size.height > FILE_LIMITS.maxImagePixels) {
    return refuse(
      413,
      "image_too_large",
      `the image has ${size.width}×${size.height} pixels; at most ${FILE_LIMITS.maxImagePixels / 1e6} megapixels`,
    );
  }
  return { type: kind.type, name: finalName, ...size };
}

/** The name without folders, control characters or quotes, at most FILE_LIMITS.maxNameLength characters. */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/[\u0000-\u001f\u007f"<>:*?|]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  if (clean.length <= FILE_LIMITS.maxNameLength) return clean;
  const ext = extensionOf(clean);
  const keep = ext ? `.${ext}` : "";
  return clean.slice(0, FILE_LIMITS.maxNameLength - keep.length) + keep;
}

function extensionOf(name: string): string | null {
  const dot = name.lastIndexOf(".");
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : null;
}

/**
 * Plain text: valid UTF-8 without NUL or other control characters (tabs, line breaks and
 * form feeds aside), and not starting with markup, which browsers would sniff as HTML.
 */
function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return false;
  }
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return false;
  return !/^\s*<[!?a-z]/i.test(text.replace(/^\ufeff/, ""));
}

/** Tags that make a file renderable as a document, whatever else it is. */
const MARKERS = [
  "<script",
  "<html",
  "<svg",
  "<iframe",
  "<body",
  "<!doctype",
  "<object",
  "<embed",
  "<meta",
  "<head",
].map((m) => Uint8Array.from(m, (c) => c.charCodeAt(0)));

/** True when an image or PDF carries markup anywhere (case-insensitive byte scan). */
export function carriesMarkup(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x3c); i >= 0; i = bytes.indexOf(0x3c, i + 1)) {
    for (const m of MARKERS) {
      let j = 1;
      while (j < m.length && i + j < bytes.length && (bytes[i + j]! | 0x20) === (m[j]! | 0x20)) j++;
      if (j === m.length) return true;
    }
  }
  return false;
}

function refuse(status: FileRefusal["status"], code: string, message: string): FileRefusal {
  return { status, code, message };
}
