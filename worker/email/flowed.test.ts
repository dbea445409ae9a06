import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { decodeFlowed, takeFlowedParts } from "./flowed";
import { parseInbound } from "./inbound";

const BOTTOM_POST = [
  "On 06.11.2026 11:47, Lamp & Light wrote:",
  "> Would you like us to reserve one ",
  "> for you? ",
  "Yes, please, until ",
  "Friday.",
].join("\r\n");

function message(contentType: string, body: string): string {
  return `From: Maria <maria@example.org>\r\nTo: shop@example.com\r\nSubject: Re\r\nMIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n${body}\r\n`;
}

describe("decodeFlowed", () => {
  it("joins soft breaks of the same depth and never lines of different depth", () => {
    expect(decodeFlowed(BOTTOM_POST, { delSp: false })).toBe(
      "On 06.11.2026 11:47, Lamp & Light wrote:\n> Would you like us to reserve one for you?\nYes, please, until Friday.",
    );
  });

  it("removes space-stuffing and, with DelSp, the soft-break space", () => {
    expect(decodeFlowed(" From the shop\n>  stuffed\nДо пятни \nцы.", { delSp: true })).toBe(
      "From the shop\n>  stuffed\nДо пятницы.",
    );
  });

  it("keeps nested depths apart and the signature delimiter on its own line", () => {
    expect(decodeFlowed(">> old \n> newer \nmine \n-- \nMaria", { delSp: false })).toBe(
      ">> old\n> newer\nmine \n-- \nMaria",
    );
  });
});

describe("takeFlowedParts", () => {
  it("hides format=flowed from postal-mime without moving a byte, and leaves the caller's bytes alone", () => {
    const bytes = new TextEncoder().encode(message('text/plain; charset=UTF-8;\r\n format="flowed"; DelSp=Yes', "x"));
    const { bytes: parsed, flowed } = takeFlowedParts(bytes);
    expect(flowed).toEqual({ delSp: true });
    expect(parsed.byteLength).toBe(bytes.byteLength);
    expect(new TextDecoder().decode(parsed)).toContain('x-flow="flowed"');
    expect(new TextDecoder().decode(bytes)).toContain('format="flowed"');
  });

  it("ignores fixed text and flowed attachments", () => {
    const plain = new TextEncoder().encode(message("text/plain; charset=UTF-8", "x"));
    expect(takeFlowedParts(plain)).toEqual({ bytes: plain, flowed: null });
  });
});

describe("a Thunderbird bottom-post in format=flowed", () => {
  const raw = message("text/plain; charset=UTF-8; format=flowed", BOTTOM_POST);

  it("loses the answer when postal-mime decodes it (why we decode it ourselves)", async () => {
    expect((await PostalMime.parse(raw)).text).toContain("> for you? Yes, please");
  });

  it("keeps the answer with our decoding", async () => {
    const email = await parseInbound(raw);
    expect(email.text).toBe("Yes, please, until Friday.");
    expect(email.quoted).toContain("> Would you like us to reserve one for you?");
  });
});
