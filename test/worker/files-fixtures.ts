/** Small files for the file tests: real headers of each allowed type, and the bad ones. */

const bytes = (...parts: Array<string | number[] | Uint8Array>) => {
  const chunks = parts.map((p) =>
    typeof p === "string" ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : Uint8Array.from(p),
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** A PNG header of `width`×`height`, padded with `pad` zero bytes. */
export function png(width = 40, height = 30, pad = 64): Uint8Array {
  return bytes(
    "\x89PNG\r\n\x1a\n",
    be32(13),
    "IHDR",
    be32(width),
    be32(height),
    [8, 6, 0, 0, 0],
    [0, 0, 0, 0],
    new Uint8Array(pad),
  );
}

/** A JPEG with an APP0 segment and a baseline frame of `width`×`height`. */
export function jpeg(width = 64, height = 48): Uint8Array {
  return bytes(
    [0xff, 0xd8, 0xff, 0xe0, 0, 16],
    "JFIF\0",
    [1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0],
    [0xff, 0xd9],
  );
}

export const gif = (width = 10, height = 10) =>
  bytes("GIF89a", [width & 255, width >> 8, height & 255, height >> 8, 0, 0, 0], ";");
export const pdf = () => bytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
export const text = (t = "order 1234, size M\n") => bytes(t);
/** A GIF that is also an HTML page with a script: the classic polyglot. */
export const gifPolyglot = () =>
  bytes("GIF89a/*", [10, 0, 0, 0], "*/=1;<html><body><script>alert(document.domain)</script></body></html>");
export const svg = () => bytes(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`);
export const html = () => bytes("<!doctype html><script>alert(1)</script>");
export const zip = () => bytes("PK\x03\x04", new Uint8Array(64));
