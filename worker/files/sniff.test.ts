import { describe, expect, it } from "vitest";
import { carriesMarkup, cleanName, sniffFile } from "./sniff";

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

describe("sniffFile", () => {
  it("reads the size of each WebP flavour", () => {
    const riff = (chunk: string, body: number[]) =>
      bytes("RIFF", [0, 0, 0, 0], "WEBP", chunk, [0, 0, 0, 0], body, new Array(16).fill(0));
    // VP8X: 24-bit width-1 and height-1 at 24 and 27.
    expect(sniffFile(riff("VP8X", [0, 0, 0, 0, 0x1f, 0x03, 0, 0x57, 0x02, 0]), "a.webp")).toMatchObject({
      type: "image/webp",
      width: 800,
      height: 600,
    });
    // VP8 (lossy): 14-bit sizes at 26 and 28, after the frame tag and start code.
    expect(sniffFile(riff("VP8 ", [0, 0, 0, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]), "b.webp")).toMatchObject({
      width: 320,
      height: 240,
    });
    // VP8L (lossless): 14-bit sizes minus one, packed at 21.
    expect(sniffFile(riff("VP8L", [0x2f, 99, 0x00, 0, 0]), "c.webp")).toMatchObject({ width: 100, height: 1 });
  });

  it("names a file without an extension after its content", () => {
    expect(sniffFile(bytes("%PDF-1.7\n"), "invoice")).toMatchObject({ type: "application/pdf", name: "invoice.pdf" });
    expect(sniffFile(bytes("just words"), "")).toMatchObject({ type: "text/plain", name: "file.txt" });
  });

  it("refuses text that is not UTF-8 or carries control characters", () => {
    expect(sniffFile(Uint8Array.from([0xff, 0xfe, 0x41]), "a.txt")).toMatchObject({ code: "type_not_allowed" });
    expect(sniffFile(bytes("a\u0000b"), "a.txt")).toMatchObject({ code: "type_not_allowed" });
    expect(sniffFile(bytes("\ufeff  <svg onload=alert(1)>"), "a.txt")).toMatchObject({ code: "type_not_allowed" });
    expect(sniffFile(bytes("<3 thanks!"), "a.txt")).toMatchObject({ type: "text/plain" });
  });
});

describe("carriesMarkup", () => {
  it("finds tags in any case, anywhere", () => {
    expect(carriesMarkup(bytes("GIF89a", [0, 1, 2], "...<ScRiPt>"))).toBe(true);
    expect(carriesMarkup(bytes("%PDF-1.4 <</Type /Page>> <4a6f>"))).toBe(false);
  });
});

describe("cleanName", () => {
  it("keeps the extension when it shortens a long name", () => {
    const name = cleanName(`${"x".repeat(300)}.jpeg`);
    expect(name).toHaveLength(200);
    expect(name.endsWith(".jpeg")).toBe(true);
  });
});
