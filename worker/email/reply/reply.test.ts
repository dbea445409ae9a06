import { describe, expect, it } from "vitest";
import { extractReply } from ".";

const replyText = (text: string) => extractReply(text).text;

const QUOTE = "> Hello! Which size do you need?\n> \n> Shop";

describe("extractReply: attribution lines", () => {
  const cases: [string, string][] = [
    ["Gmail, English", "On Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:"],
    [
      "Gmail, wrapped over two lines",
      "On Mon, 3 Nov 2026 at 10:00, Edgechat Demo Shop <support@shop.example.com>\nwrote:",
    ],
    [
      "Gmail, wrapped inside the address",
      "On Mon, Nov 3, 2026 at 10:00 AM Edgechat Demo Shop <\nsupport@shop.example.com> wrote:",
    ],
    ["Gmail, Russian", "пн, 3 нояб. 2026 г. в 10:00, Shop <x@y.com>:"],
    ["Mail.ru", "Понедельник, 3 ноября 2026, 10:00 +03:00 от Shop <x@y.com>:"],
    ["Mail.ru, short", "3 ноября 2026, 10:00 от Shop <x@y.com>:"],
    ["Yandex", '03.11.2026, 10:00, "Shop" <x@y.com>:'],
    ["Thunderbird", "On 03.11.2026 10:00, Shop wrote:"],
    ["Thunderbird, Russian", "03.11.2026 10:00, Shop пишет:"],
    ["Apple Mail", "On 3 Nov 2026, at 10:00, Shop <x@y.com> wrote:"],
    ["German", "Am 03.11.2026 um 10:00 schrieb Shop <x@y.com>:"],
    ["German, without address", "Am Mo., 3. Nov. 2026 um 10:00 Uhr schrieb Shop:"],
    ["French", "Le lun. 3 nov. 2026 à 10:00, Shop <x@y.com> a écrit :"],
    ["Spanish", "El lun, 3 nov 2026 a las 10:00, Shop (<x@y.com>) escribió:"],
  ];
  for (const [name, attribution] of cases) {
    it(name, () => {
      expect(replyText(`Size M, please.\nThank you!\n\n${attribution}\n${QUOTE}\n`)).toBe(
        "Size M, please.\nThank you!",
      );
    });
  }
});

describe("extractReply: Outlook", () => {
  it("drops -----Original Message----- and its header block", () => {
    const text =
      "Fine, thanks.\r\n\r\n-----Original Message-----\r\nFrom: Shop <x@y.com>\r\nSent: Monday, November 3, 2026 10:00 AM\r\n" +
      "To: Anna <anna@example.com>\r\nSubject: Your order\r\n\r\nHello!\r\n";
    expect(replyText(text)).toBe("Fine, thanks.");
  });

  it("drops a header block after a rule of underscores", () => {
    const text =
      "Да, подходит.\n\n________________________________\nОт: Shop <x@y.com>\nОтправлено: 3 ноября 2026 г. 10:00\n" +
      "Кому: Анна\nТема: Заказ\n\nЗдравствуйте!";
    expect(replyText(text)).toBe("Да, подходит.");
  });

  it("drops «-----Исходное сообщение-----»", () => {
    const text = "Спасибо\n\n-----Исходное сообщение-----\nОт: Shop\nДата: 3 ноября\nТема: Заказ\n\nтекст";
    expect(replyText(text)).toBe("Спасибо");
  });

  it("drops the bold header block of Outlook's HTML converted by postal-mime", () => {
    const text =
      "Ok\n\n*From:* Shop <x@y.com>\n*Sent:* Monday, November 3, 2026 10:00\n*To:* Anna\n*Subject:* Re: order\n\nold";
    expect(replyText(text)).toBe("Ok");
  });

  it("keeps a line that merely starts with From:", () => {
    expect(replyText("From: Berlin, with love.\nSee you")).toBe("From: Berlin, with love.\nSee you");
  });
});

describe("extractReply: signatures and footers", () => {
  it("drops the signature after '-- '", () => {
    expect(replyText("Thanks!\n\n-- \nAnna Petrova\nCEO, Example")).toBe("Thanks!");
  });

  for (const footer of [
    "Sent from my iPhone",
    "Отправлено с iPhone",
    "Отправлено из мобильной Яндекс Почты",
    "Отправлено из Mail.ru для Android",
    "Get Outlook for Android",
    "Von meinem iPhone gesendet",
    "Envoyé de mon iPhone",
    "Enviado desde mi iPhone",
  ]) {
    it(`drops “${footer}”`, () => {
      expect(replyText(`Ok, tomorrow.\n\n${footer}\n\n> old text`)).toBe("Ok, tomorrow.");
    });
  }

  it("drops «-------- Пересылаемое сообщение --------»", () => {
    expect(
      replyText(
        'Смотрите ниже.\n\n-------- Пересылаемое сообщение --------\n03.11.2026, 10:00, "Shop" <x@y.com>:\nтекст',
      ),
    ).toBe("Смотрите ниже.");
  });
});

describe("extractReply: never empties a reply", () => {
  it("keeps a reply written below the quote", () => {
    const text = "On Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:\n> Which size?\n\nSize M.\n";
    expect(replyText(text)).toBe("Size M.");
  });

  it("keeps answers written between quoted lines", () => {
    expect(replyText("> Which size?\nM\n> Which colour?\nRed")).toBe("M\nRed");
  });

  it("keeps the person's line just above an attribution (no false join)", () => {
    const text = "On Monday I ordered a lamp.\nOn Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:\n> Hi";
    expect(replyText(text)).toBe("On Monday I ordered a lamp.");
  });

  it("keeps text without quotes as it is, trimmed", () => {
    expect(replyText("\n\n  Hello\n\n\n\nworld  \n")).toBe("Hello\n\nworld");
  });

  it("returns the whole text, never an empty one, when only quotes were sent", () => {
    expect(extractReply("> only\n> quotes")).toEqual({ text: "> only\n> quotes", quoted: "" });
    expect(extractReply("")).toEqual({ text: "", quoted: "" });
  });

  it("does not take a sentence with 'wrote' and no date for an attribution", () => {
    expect(replyText("My friend wrote:\nbuy it")).toBe("My friend wrote:\nbuy it");
  });
});

describe("extractReply: the library's part and our checks on it", () => {
  it("hides attributions only the library knows (Chinese, Japanese, Korean Gmail)", () => {
    for (const attribution of [
      "在 2026年11月6日周四 11:47，Lamp & Light <x@y.com> 写道：",
      "2026/11/06 11:47、Lamp & Light <x@y.com> のメッセージ:",
      "2026. 11. 6. (목) 오전 11:47, Lamp & Light <x@y.com>님이 작성:",
    ]) {
      const result = extractReply(`好的，谢谢。\n\n${attribution}\n> 您好`);
      expect(result.text, attribution).toBe("好的，谢谢。");
      expect(result.quoted).toContain(attribution);
    }
  });

  it("returns the hidden quote in order, attribution first", () => {
    const text = "Yes.\n\nOn Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:\n> Which size?\n\nM.\n\n> Colour?\n\nRed.";
    expect(extractReply(text)).toEqual({
      text: "Yes.\n\nM.\nRed.",
      quoted: "On Mon, 3 Nov 2026 at 10:00, Shop <x@y.com> wrote:\n> Which size?\n> Colour?",
    });
  });

  it("reads a very long reply in bounded time and still hides quotes past the library's part", () => {
    const long = "W dniu dzisiejszym lampa świeci.\n".repeat(4000);
    const started = Date.now();
    const result = extractReply(`${long}> old quote\nlast line`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.text.endsWith("lampa świeci.\nlast line")).toBe(true);
    expect(result.quoted).toBe("> old quote");
  });
});
