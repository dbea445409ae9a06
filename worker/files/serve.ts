/**
 * How a stored file is answered: with the type the server checked (text as UTF-8 plain
 * text), `nosniff`, a Content-Security-Policy that sandboxes whatever a browser makes of
 * it, and `Content-Disposition: attachment` for everything but raster images, so no file
 * a visitor sent can run as a page on this origin.
 */
import { isRasterImage } from "./sniff";

/** The sandboxing policy of every served file: no script, no plugin, no frame, a unique origin. */
export const FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

/** The response to a signed link. */
export function fileResponse(file: { body: ReadableStream; size: number; type: string; name: string }): Response {
  const inline = isRasterImage(file.type);
  return new Response(file.body, {
    headers: {
      "Content-Type":
        file.type === "text/plain"
          ? "text/plain; charset=utf-8"
          : inline || file.type === "application/pdf"
            ? file.type
            : "application/octet-stream",
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", file.name),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": FILE_CSP,
      // The widget shows images on the shop's pages, another origin.
      "Cross-Origin-Resource-Policy": "cross-origin",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "private, max-age=300",
    },
  });
}

/** RFC 6266 with an ASCII fallback and the UTF-8 name (RFC 5987). */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
