import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import {
  base64Text,
  buildMime,
  EmailFormatError,
  escapeHtml,
  newMessageId,
  quotedPrintable,
  type OutboundEmail,
} from "./mime";

const base: OutboundEmail = {
  from: { address: "support@shop.example", name: "Магазин «Лампы»" },
  to: { address: "anna@example.com", name: "Anna" },
  replyTo: { address: "reply+abc.def@in.example.com" },
  subject: "Re: Ваш вопрос о заказе №1234 — ответ оператора, подробности внутри письма",
  text: "Здравствуйте!\nРазмер M есть.\n",
  html: "<p>Здравствуйте!</p><p>Размер M есть.</p>",
  messageId: "<m1@shop.example>",
  inReplyTo: "<m0@shop.example>",
  references: ["<m-1@shop.example>", "m0@shop.example"],
  listUnsubscribe: { url: "https://chat.example/api/v1/unsubscribe/tok", mailto: "unsub@shop.example" },
  headers: { "Auto-Submitted": "auto-generated" },
};
const DATE = new Date(Date.UTC(2026, 10, 3, 10, 0, 5));

function headerBlock(mime: string): string {
  return mime.slice(0, mime.indexOf("\r\n\r\n"));
}

describe("buildMime", () => {
  it("writes a message postal-mime reads back unchanged", async () => {
    const mime = buildMime(base, { date: DATE });
    const parsed = await PostalMime.parse(mime);
    expect(parsed.from).toEqual({ address: "support@shop.example", name: "Магазин «Лампы»" });
    expect(parsed.to).toEqual([{ address: "anna@example.com", name: "Anna" }]);
    expect(parsed.replyTo).toEqual([{ address: "reply+abc.def@in.example.com", name: "" }]);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.messageId).toBe("<m1@shop.example>");
    expect(parsed.inReplyTo).toBe("<m0@shop.example>");
    expect(parsed.references).toBe("<m-1@shop.example> <m0@shop.example>");
    expect(parsed.date).toBe("2026-11-03T10:00:05.000Z");
    // postal-mime keeps the CRLF that belongs to the boundary delimiter (RFC 2046 §5.1.1).
    expect(parsed.text?.trimEnd()).toBe("Здравствуйте!\nРазмер M есть.");
    expect(parsed.html?.trimEnd()).toBe(base.html);
    const get = (k: string) => parsed.headers.find((h) => h.key === k)?.value;
    expect(get("list-unsubscribe")).toBe("<https://chat.example/api/v1/unsubscribe/tok>, <mailto:unsub@shop.example>");
    expect(get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(get("auto-submitted")).toBe("auto-generated");
    expect(get("mime-version")).toBe("1.0");
    expect(get("date")).toBe("Tue, 03 Nov 2026 10:00:05 +0000");
  });

  it("uses CRLF only, ASCII only, and short header lines", () => {
    const mime = buildMime(base, { date: DATE });
    expect(mime.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(mime).toMatch(/^[\x00-\x7f]*$/);
    for (const line of headerBlock(mime).split("\r\n")) expect(line.length, line).toBeLessThanOrEqual(78);
    for (const line of mime.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
    expect(headerBlock(mime)).toContain("Subject: =?UTF-8?B?");
    expect(mime).toMatch(/\r\nContent-Type: multipart\/alternative;(\r\n)? boundary="=_edgechat_[0-9a-f]{32}"\r\n/);
    expect(mime).toContain("Content-Transfer-Encoding: quoted-printable");
  });

  it("sends a single text/plain part without html", async () => {
    const { html: _html, ...plain } = base;
    const mime = buildMime(plain, { date: DATE });
    expect(headerBlock(mime)).toContain("Content-Type: text/plain; charset=utf-8");
    expect(mime).not.toContain("multipart");
    expect((await PostalMime.parse(mime)).text).toBe(base.text);
  });

  it("quotes display names with specials and keeps plain ones bare", () => {
    const mime = buildMime({
      ...base,
      from: { address: "a@b.example", name: 'Shop "Best", Inc.' },
      to: { address: "c@d.example" },
    });
    expect(mime).toContain('From: "Shop \\"Best\\", Inc." <a@b.example>\r\n');
    expect(mime).toContain("To: c@d.example\r\n");
  });

  it("encodes a plain name that looks like an encoded word, so it cannot spoof one", async () => {
    const name = "=?UTF-8?B?0JHQsNC90Lo=?=";
    const mime = buildMime({ ...base, from: { address: "a@b.example", name } });
    expect((await PostalMime.parse(mime)).from).toEqual({ address: "a@b.example", name });
  });
});

describe("buildMime: header injection", () => {
  it("collapses line breaks in display names and subjects to spaces", async () => {
    const mime = buildMime({
      ...base,
      from: { address: "support@shop.example", name: "Shop\r\nBcc: victim@example.com" },
      subject: "Hello\r\nBcc: victim@example.com\n\nbody",
    });
    expect(mime).not.toMatch(/^Bcc:/im);
    const parsed = await PostalMime.parse(mime);
    expect(parsed.from).toEqual({ address: "support@shop.example", name: "Shop Bcc: victim@example.com" });
    expect(parsed.subject).toBe("Hello Bcc: victim@example.com body");
    expect(parsed.bcc).toBeUndefined();
  });

  it("rejects line breaks in addresses, ids and header values", () => {
    const bad: [string, Partial<OutboundEmail>][] = [
      ["to address", { to: { address: "anna@example.com\r\nBcc: v@example.com" } }],
      ["from address", { from: { address: "a@b.example\n" } }],
      ["messageId", { messageId: "<x@y>\r\nBcc: v@example.com" }],
      ["header Auto-Submitted", { headers: { "Auto-Submitted": "no\r\nBcc: v@example.com" } }],
      ["listUnsubscribe.url", { listUnsubscribe: { url: "https://x.example/\r\nBcc: v@example.com" } }],
    ];
    for (const [what, patch] of bad) {
      expect(() => buildMime({ ...base, ...patch }), what).toThrow(EmailFormatError);
      expect(() => buildMime({ ...base, ...patch }), what).toThrow(/line break/);
    }
  });

  it("rejects invalid addresses, header names and structural headers", () => {
    expect(() => buildMime({ ...base, to: { address: "not an address" } })).toThrow(/not a valid email address/);
    expect(() => buildMime({ ...base, headers: { "X-Bad Name": "v" } })).toThrow(/not a valid header name/);
    expect(() => buildMime({ ...base, headers: { bcc: "v@example.com" } })).toThrow(/set by buildMime/);
    expect(() => buildMime({ ...base, listUnsubscribe: { url: "http://x.example/u" } })).toThrow(/https/);
    expect(() => buildMime({ ...base, messageId: "no-at-sign" })).toThrow(/Message-ID/);
  });
});

describe("buildMime: attachments", () => {
  const invite = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Консультация\r\nEND:VCALENDAR\r\n";
  const withFile: OutboundEmail = {
    ...base,
    attachments: [
      {
        filename: "invite.ics",
        contentType: "text/calendar; charset=utf-8; method=REQUEST",
        content: base64Text(invite),
      },
    ],
  };

  it("wraps the body in multipart/mixed with the file in base64, which postal-mime reads back", async () => {
    const mime = buildMime(withFile, { date: DATE });
    expect(mime).toMatch(/\r\nContent-Type: multipart\/mixed;(\r\n)? boundary="mixed=_edgechat_[0-9a-f]{32}"\r\n/);
    for (const line of mime.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
    const parsed = await PostalMime.parse(mime);
    expect(parsed.text?.trimEnd()).toBe("Здравствуйте!\nРазмер M есть.");
    expect(parsed.html?.trimEnd()).toBe(base.html);
    expect(parsed.attachments).toHaveLength(1);
    const [file] = parsed.attachments;
    expect(file!.filename).toBe("invite.ics");
    expect(file!.mimeType).toBe("text/calendar");
    const read = typeof file!.content === "string" ? file!.content : new TextDecoder().decode(file!.content);
    expect(read.replace(/\r\n/g, "\n")).toBe(invite.replace(/\r\n/g, "\n"));
    // The bytes themselves travel untouched: base64 in lines of 76.
    expect(mime).toContain(
      `\r\n\r\n${base64Text(invite)
        .match(/.{1,76}/g)!
        .join("\r\n")}\r\n`,
    );
  });

  it("keeps a text-only body as the first part", async () => {
    const { html: _html, ...plain } = withFile;
    const parsed = await PostalMime.parse(buildMime(plain, { date: DATE }));
    expect(parsed.text?.trimEnd()).toBe("Здравствуйте!\nРазмер M есть.");
    expect(parsed.attachments.map((a) => a.filename)).toEqual(["invite.ics"]);
  });

  it("refuses a file name, type or content that could break the message", () => {
    const file = withFile.attachments![0]!;
    const bad = [
      { ...file, filename: 'a".ics\r\nBcc: v@example.com' },
      { ...file, filename: "../etc/passwd" },
      { ...file, contentType: "text/calendar\r\nBcc: v@example.com" },
      { ...file, content: "not base64!" },
    ];
    for (const a of bad) expect(() => buildMime({ ...base, attachments: [a] }), a.filename).toThrow(EmailFormatError);
  });
});

describe("quotedPrintable", () => {
  it("encodes =, non-ASCII, trailing spaces and a leading dot; wraps at 76", () => {
    expect(quotedPrintable("a=b")).toBe("a=3Db");
    expect(quotedPrintable("Ж")).toBe("=D0=96");
    expect(quotedPrintable("end \nnext")).toBe("end=20\r\nnext");
    expect(quotedPrintable(".\n")).toBe("=2E\r\n");
    const long = quotedPrintable("я".repeat(60));
    for (const line of long.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(long.split("\r\n")[0]).toMatch(/=$/);
    expect(long).not.toMatch(/=[0-9A-F]?=\r\n/);
  });
});

describe("escapeHtml and newMessageId", () => {
  it("escapes every HTML special", () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe(
      "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;",
    );
  });

  it("makes unique bracketed ids", () => {
    const a = newMessageId("shop.example");
    expect(a).toMatch(/^<[0-9a-f-]{36}@shop\.example>$/);
    expect(newMessageId("shop.example")).not.toBe(a);
    expect(() => newMessageId("bad domain\r\n")).toThrow(EmailFormatError);
  });
});
