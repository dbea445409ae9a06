/// <reference types="vite/client" />
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { parseReplyAddress } from "./address";
import { htmlToText } from "./html";
import { automaticKind, parseInbound, type AutomaticKind, type InboundAttachment } from "./inbound";
import { extractReply } from "./reply";

// Fixtures are real-client replies to a follow-up whose Reply-To was signed with this secret.
const FIXTURE_SECRET = "fixture-secret";
const CONVERSATION_ID = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const FOLLOW_UP = "<followup.01jbx3k9q2.1@shop.example.com>";

const fixtures = import.meta.glob<string>("../../test/fixtures/email/*.eml", {
  query: "?raw",
  import: "default",
  eager: true,
});

function fixture(name: string): string {
  const raw = fixtures[`../../test/fixtures/email/${name}`];
  if (raw === undefined) throw new Error(`no fixture ${name}`);
  return raw;
}

interface Row {
  /** The new text the person wrote, as the conversation should show it. */
  text: string;
  automatic?: AutomaticKind;
  attachments?: Omit<InboundAttachment, "content">[];
  from?: string;
}

const table: Record<string, Row> = {
  "gmail-en.eml": {
    text: "Yes, please reserve one — I can pick it up on Friday.\n\nThanks,\nAnna",
    from: "anna.smith@gmail.com",
  },
  "gmail-ru.eml": { text: "Да, отложите, пожалуйста. Заберу в пятницу.\n\nАнна" },
  "gmail-de.eml": { text: "Vielen Dank, das passt mir gut. Ich hole die Lampe am Freitag ab.\n\nViele Grüße\nAnna" },
  "gmail-fr.eml": {
    text: "Bonjour,\n\nMerci, je passerai la chercher vendredi. Acceptez-vous la carte bancaire ?\n\nCordialement,\nLéa",
  },
  "gmail-es.eml": { text: "Hola,\n\nPerfecto, la recojo el viernes. ¿Tienen también la bombilla?\n\nSaludos,\nLucía" },
  "outlook-en.eml": {
    text: "Hello,\n\nYes, please send it on Monday. Could you also include the bulb?\n\nBest regards,\nAnna Smith",
  },
  "outlook-ru-windows-1251.eml": {
    text: "Добрый день!\n\nДа, отложите, пожалуйста. Оплачу при получении.\n\nС уважением,\nАнна Петрова",
    from: "anna@petrova-design.ru",
  },
  "apple-mail-en.eml": { text: "Perfect, see you on Friday!\n\nAnna" },
  "apple-iphone-ru.eml": { text: "Да, давайте в пятницу." },
  "thunderbird-en.eml": { text: "Hi,\n\ncould you also send the invoice to my work address?" },
  "thunderbird-ru-koi8r.eml": {
    text: "Здравствуйте!\n\nПодскажите, лампа подойдёт для ванной?",
    from: "anna@mail.example.ru",
  },
  "yandex-en.eml": { text: "Great, thank you! I will come by on Saturday." },
  "yandex-ru.eml": { text: "Спасибо, заберу в субботу." },
  "mailru-en.eml": { text: "Thank you, that works for me." },
  "mailru-ru.eml": { text: "Добрый день! Да, подходит." },
  "mailru-android-html-only.eml": { text: "Хорошо, спасибо! Тогда до пятницы." },
  "gmail-attachment.eml": {
    text: "Here is the photo of the damaged lamp and my invoice.\n\nAnna",
    attachments: [
      { filename: "lamp-photo.jpg", mimeType: "image/jpeg", size: 86 },
      { filename: "invoice-1042.pdf", mimeType: "application/pdf", size: 136 },
    ],
  },
  "auto-reply-outlook-ooo.eml": {
    text:
      "I am out of the office until 10 November with limited access to email.\n\n" +
      "For urgent matters please contact my colleague at team@contoso.com.",
    automatic: "auto-reply",
  },
  "auto-reply-vacation-ru.eml": { text: "Я в отпуске до 10 ноября. Отвечу, когда вернусь.", automatic: "auto-reply" },
  "bounce-delivery-status.eml": {
    text:
      "This is the mail system at host mx.example.net.\n\n" +
      "I'm sorry to have to inform you that your message could not\n" +
      "be delivered to one or more recipients. It's attached below.\n\n" +
      "<anna.old@example.org>: host mx.example.org[203.0.113.25] said: 550 5.1.1\n" +
      "    <anna.old@example.org>: Recipient address rejected: User unknown in virtual\n" +
      "    mailbox table (in reply to RCPT TO command)",
    automatic: "bounce",
    from: "mailer-daemon@mx.example.net",
    attachments: [
      { filename: "", mimeType: "message/delivery-status", size: 541 },
      { filename: "", mimeType: "text/rfc822-headers", size: 212 },
    ],
  },
};

describe("parseInbound: fixtures of real clients", () => {
  it("has a row for every fixture file", () => {
    const files = Object.keys(fixtures).map((path) => path.slice(path.lastIndexOf("/") + 1));
    expect(files.sort()).toEqual(Object.keys(table).sort());
  });

  for (const [name, row] of Object.entries(table)) {
    it(name, async () => {
      const raw = fixture(name);
      const email = await parseInbound(raw);
      expect(email.text).toBe(row.text);
      expect(email.automatic).toBe(row.automatic ?? false);
      expect(email.attachments.map(({ content: _, ...a }) => a)).toEqual(row.attachments ?? []);
      if (row.from) expect(email.from.address).toBe(row.from);
      expect(email.messageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
      expect(email.fullText.length).toBeGreaterThanOrEqual(email.text.length);

      // Delivered over SMTP the same message has CRLF line ends.
      expect((await parseInbound(raw.replace(/\r?\n/g, "\r\n"))).text).toBe(row.text);

      if (!email.automatic) {
        expect(email.inReplyTo).toBe(FOLLOW_UP);
        // The fixtures carry the first form of reply address (no issue day): read before its cut-over.
        expect(await parseReplyAddress(email.to[0], FIXTURE_SECRET, Date.UTC(2026, 11, 2))).toEqual({
          ok: true,
          conversationId: CONVERSATION_ID,
          issuedAt: null,
        });
        expect(email.fullText).toContain("LX-20");
      }

      // Where the client also sent HTML, the HTML alone gives the same new text.
      const parsed = await PostalMime.parse(raw);
      if (parsed.html !== undefined)
        expect(extractReply(htmlToText(parsed.html, { markQuotes: true })).text).toBe(row.text);
    });
  }
});

describe("parseInbound: inputs and edge cases", () => {
  it("reads an ArrayBuffer and a ReadableStream like the email() handler's message.raw", async () => {
    const raw = fixture("gmail-ru.eml");
    const bytes = new TextEncoder().encode(raw);
    expect((await parseInbound(bytes.buffer as ArrayBuffer)).text).toBe(table["gmail-ru.eml"].text);
    expect((await parseInbound(new Blob([bytes]).stream())).text).toBe(table["gmail-ru.eml"].text);
  });

  it("lists references in order and subject, names decoded", async () => {
    const email = await parseInbound(fixture("thunderbird-ru-koi8r.eml"));
    expect(email.references).toEqual(["<followup.01jbx3k9q2.0@shop.example.com>", FOLLOW_UP]);
    expect(email.subject).toBe("Re: Ответ на ваш вопрос");
    expect(email.from).toEqual({ address: "anna@mail.example.ru", name: "Анна Петрова" });
  });

  it("keeps the quoted history in fullText of an HTML-only reply", async () => {
    const email = await parseInbound(fixture("mailru-android-html-only.eml"));
    expect(email.fullText).toContain("Лампа LX-20 снова в наличии.");
  });

  it("uses the HTML when the only text/plain part is an attachment", async () => {
    const raw = [
      "From: a@example.com",
      "To: b@example.com",
      "Subject: notes",
      "Message-ID: <n1@example.com>",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/html; charset=utf-8",
      "",
      '<div>See my notes.</div><blockquote type="cite">old question</blockquote>',
      "--b1",
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename="notes.txt"',
      "Content-Transfer-Encoding: base64",
      "",
      btoa("line one"),
      "--b1--",
      "",
    ].join("\r\n");
    const email = await parseInbound(raw);
    expect(email.text).toBe("See my notes.");
    expect(email.attachments.map(({ content: _, ...a }) => a)).toEqual([
      { filename: "notes.txt", mimeType: "text/plain", size: 8 },
    ]);
    expect(new TextDecoder().decode(email.attachments[0]!.content)).toHaveLength(8);
  });

  it("falls back to the HTML when the text part is empty", async () => {
    const raw = [
      "From: a@example.com",
      'Content-Type: multipart/alternative; boundary="b2"',
      "",
      "--b2",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "",
      "--b2",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>Only here</p>",
      "--b2--",
      "",
    ].join("\r\n");
    expect((await parseInbound(raw)).text).toBe("Only here");
  });

  it("parses a message with no Content-Type as plain text", async () => {
    const email = await parseInbound("From: a@example.com\r\nSubject: hi\r\n\r\nHello there\r\n\r\n> old\r\n");
    expect(email.text).toBe("Hello there");
    expect(email.messageId).toBeUndefined();
    expect(email.references).toEqual([]);
  });
});

describe("automaticKind", () => {
  const kind = (headers: Record<string, string>, from = "anna@example.com", attachments: string[] = []) =>
    automaticKind({
      headers: Object.entries(headers).map(([k, value]) => ({ key: k.toLowerCase(), originalKey: k, value })),
      from: { address: from, name: "" },
      ...(headers.Subject !== undefined ? { subject: headers.Subject } : {}),
      attachments: attachments.map((mimeType) => ({
        filename: null,
        mimeType,
        disposition: null,
        content: new ArrayBuffer(0),
      })),
    });

  it("recognises machine-sent mail by its headers", () => {
    expect(kind({ "Auto-Submitted": "auto-replied" })).toBe("auto-reply");
    expect(kind({ "Auto-Submitted": "auto-generated; owner-email=x@y" })).toBe("auto-reply");
    expect(kind({ Precedence: "auto_reply" })).toBe("auto-reply");
    expect(kind({ "X-Autoreply": "yes" })).toBe("auto-reply");
    expect(kind({ "X-Autorespond": "vacation" })).toBe("auto-reply");
    expect(kind({ Precedence: "bulk" })).toBe("bulk");
    expect(kind({ Precedence: "junk" })).toBe("bulk");
    expect(kind({ Precedence: "list" })).toBe("bulk");
    expect(kind({ "Content-Type": "multipart/report; report-type=delivery-status; boundary=x" })).toBe("bounce");
    expect(kind({ "Content-Type": 'multipart/report; report-type="disposition-notification"' })).toBe("auto-reply");
    expect(kind({}, "postmaster@mx.example.net")).toBe("bounce");
    expect(kind({}, "MAILER-DAEMON@mx.example.net")).toBe("bounce");
  });

  it("reads headers before the subject: a header's word wins", () => {
    expect(kind({ Precedence: "bulk", Subject: "Out of office" })).toBe("bulk");
    expect(kind({ "Auto-Submitted": "auto-replied", Subject: "Undeliverable: Re: New answer" })).toBe("auto-reply");
  });

  // Subjects auto-responders and mail servers write when they set no header at all.
  const SUBJECTS: Array<[string, AutomaticKind]> = [
    ["Out of office: Re: New answer from Shop", "auto-reply"],
    ["Out of Office", "auto-reply"],
    ["Automatic reply: Re: New answer from Shop", "auto-reply"],
    ["Autoreply: Re: your order", "auto-reply"],
    ["Auto-Reply: Re: your order", "auto-reply"],
    ["AutoReply", "auto-reply"],
    ["Auto: Re: New answer from Shop", "auto-reply"],
    ["Автоответ: Re: Новый ответ от магазина", "auto-reply"],
    ["Автоматический ответ: Re: Новый ответ", "auto-reply"],
    ["Меня нет в офисе", "auto-reply"],
    ["Abwesenheitsnotiz: Re: Neue Antwort", "auto-reply"],
    ["Automatische Antwort: Re: Neue Antwort", "auto-reply"],
    ["Réponse automatique : Re: Nouvelle réponse", "auto-reply"],
    ["Absence du bureau", "auto-reply"],
    ["Respuesta automática: Re: Nueva respuesta", "auto-reply"],
    ["[EXT] Automatic reply: Re: New answer", "auto-reply"],
    ["Delivery Status Notification (Failure)", "bounce"],
    ["Undeliverable: Re: New answer from Shop", "bounce"],
    ["Undelivered Mail Returned to Sender", "bounce"],
    ["Mail delivery failed: returning message to sender", "bounce"],
    ["Returned mail: see transcript for details", "bounce"],
    ["Failure Notice", "bounce"],
    ["Не доставлено: Re: Новый ответ", "bounce"],
    ["Недоставленное сообщение", "bounce"],
    ["Unzustellbar: Re: Neue Antwort", "bounce"],
    ["Non remis : Re: Nouvelle réponse", "bounce"],
  ];
  it.each(SUBJECTS)("recognises the subject %j as %s", (subject, expected) => {
    expect(kind({ Subject: subject })).toBe(expected);
  });

  it("recognises delivery status content without any other sign", () => {
    expect(kind({ "Content-Type": "message/delivery-status" })).toBe("bounce");
    expect(
      kind({ "Content-Type": "multipart/mixed; boundary=x" }, "bounces@mx.example.net", [
        "text/plain",
        "message/delivery-status",
      ]),
    ).toBe("bounce");
    expect(kind({}, "bounces@mx.example.net", ["message/global-delivery-status"])).toBe("bounce");
  });

  // A person's answer often mentions these words; only their place at the start is a sign.
  const PEOPLE: string[] = [
    "Re: New answer from Shop",
    "Re: Out of office until Monday? No, I am here",
    "Re: Automatic reply question",
    "Question about the out of office lamp",
    "Re: Автоответ не пришёл",
    "Re: Undeliverable parcel",
    "Delivery to Riga?",
    "Deliverable: two boxes",
    "",
  ];
  it.each(PEOPLE)("lets a person's subject %j through", (subject) => {
    expect(kind({ Subject: subject })).toBe(false);
  });

  it("lets a person's mail through, X-Auto-Response-Suppress included (Outlook sets it on mail people write)", () => {
    expect(kind({})).toBe(false);
    expect(kind({ "Auto-Submitted": "no" })).toBe(false);
    expect(kind({ Precedence: "normal", "X-Auto-Response-Suppress": "RN, NRN" })).toBe(false);
    expect(kind({ "X-Auto-Response-Suppress": "All" })).toBe(false);
    expect(kind({ "X-Auto-Response-Suppress": "DR, OOF, AutoReply" })).toBe(false);
    expect(
      kind({ "Content-Type": "multipart/mixed; boundary=x" }, "anna@example.com", [
        "message/rfc822",
        "application/pdf",
      ]),
    ).toBe(false);
  });
});
