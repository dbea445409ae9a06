/**
 * Property tests with a small seeded generator: replies built from the visitor's sentences
 * and realistic quote blocks in every supported language, put together at random (text
 * above, below, between quotes). Seeded, so a failure prints a case that can be replayed.
 */
import { describe, expect, it } from "vitest";
import { extractReply } from ".";

/** mulberry32: tiny, fast, good enough to shuffle test inputs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words people write, with some that also occur in headers (on, sent, from, wrote, de, am,
// dates, times, addresses) so the rules are tested on prose that resembles them.
const WORDS = (
  "lamp size Friday please thanks the a on at sent from wrote de am op den il le el em for my is it can we you " +
  "лампа пятница спасибо да заберу в от пишет Lampe danke gerne merci lampe gracias lámpara grazie obrigada " +
  "dank tak kiitos cảm ơn 14 3 2026 11:47 6.11.2026 maria@example.org LX-20 M white colour delivery bulb " +
  "Montag lundi lunes lunedì segunda maandag poniedziałek måndag mandag maanantai"
).split(" ");
const ENDS = [".", "!", "?", "…", ".", "."];

function sentence(rnd: () => number): string {
  const n = 2 + Math.floor(rnd() * 9);
  const words = Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]);
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return words.join(" ") + ENDS[Math.floor(rnd() * ENDS.length)];
}

function visitorText(rnd: () => number): string[] {
  return Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => sentence(rnd));
}

const Q = "> Hello, which size would you like?\n>\n> Lamp & Light";
/** Blocks quoted with ">": text below them is the visitor's, so they can go anywhere. */
const QUOTE_BLOCKS = [
  `On Thu, Nov 6, 2026 at 11:47 AM Lamp & Light <support@shop.example> wrote:\n${Q}`,
  `On Thu, Nov 6, 2026 at 11:47 AM Lamp & Light Customer\nService <support@shop.example>\nwrote:\n${Q}`,
  `чт, 6 нояб. 2026 г. в 11:47, Lamp & Light <support@shop.example>:\n${Q}`,
  `06.11.2026, 11:47, "Lamp & Light" <support@shop.example>:\n${Q}`,
  `Четверг, 6 ноября 2026, 11:47 +03:00 от Lamp & Light <support@shop.example>:\n${Q}`,
  `Am Do., 6. Nov. 2026 um 11:47 Uhr schrieb Lamp & Light <support@shop.example>:\n${Q}`,
  `Le jeu. 6 nov. 2026 à 11:47, Lamp & Light <support@shop.example> a écrit :\n${Q}`,
  `El jue, 6 nov 2026 a las 11:47, Lamp & Light (<support@shop.example>) escribió:\n${Q}`,
  `Il giorno gio 6 nov 2026 alle ore 11:47 Lamp & Light <support@shop.example> ha scritto:\n${Q}`,
  `Em qui., 6 de nov. de 2026 às 11:47, Lamp & Light <support@shop.example> escreveu:\n${Q}`,
  `Op do 6 nov 2026 om 11:47 schreef Lamp & Light <support@shop.example>:\n${Q}`,
  `czw., 6 lis 2026 o 11:47 Lamp & Light <support@shop.example> napisał(a):\n${Q}`,
  `Den tors 6 nov. 2026 kl 11:47 skrev Lamp & Light <support@shop.example>:\n${Q}`,
  `to 6. marrask. 2026 klo 11.47 Lamp & Light <support@shop.example> kirjoitti:\n${Q}`,
  `чт, 6 лист. 2026 р. о 11:47 Lamp & Light <support@shop.example> пише:\n${Q}`,
  `Vào Th 5, 6 thg 11, 2026 vào lúc 11:47 Lamp & Light <support@shop.example> đã viết:\n${Q}`,
  `---- On Thu, 06 Nov 2026 11:47:02 +0100 Lamp & Light <support@shop.example> wrote ----\n${Q}`,
  Q,
  `>> older quote\n${Q}`,
];
/** Blocks that end the new text (unquoted history, footers): only text above them is new. */
const TAIL_BLOCKS = [
  "-----Original Message-----\nFrom: Lamp & Light <support@shop.example>\nSent: Thursday, November 6, 2026 11:47\nTo: Maria\nSubject: Order\n\nHello!",
  "________________________________\nОт: Lamp & Light <support@shop.example>\nОтправлено: 6 ноября 2026 г. 11:47\nКому: Анна\nТема: Заказ\n\nЗдравствуйте!",
  "Date: Thu, 6 Nov 2026 11:47:02 +0100\nSubject: Order\nFrom: support@shop.example\n\nOld text",
  "De : Lamp & Light <support@shop.example>\nEnvoyé : jeudi 6 novembre 2026 11:47\nÀ : Léa\nSujet : Commande",
  "Sent from my iPhone",
  "Gesendet von Outlook für Android",
  "-- \nMaria Lopez\n+34 600 000 000",
  "-----Reply Message-----\nOld text",
];

const pick = <T>(rnd: () => number, list: readonly T[]) => list[Math.floor(rnd() * list.length)];

/** A reply with the visitor's lines somewhere around quotes, and those lines. */
function reply(rnd: () => number): { body: string; visitor: string[] } {
  const parts: string[] = [];
  const visitor: string[] = [];
  const say = () => {
    const lines = visitorText(rnd);
    visitor.push(...lines);
    parts.push(lines.join("\n"));
  };
  const layout = Math.floor(rnd() * 4); // 0 above, 1 below, 2 above and below, 3 interleaved
  if (layout !== 1) say();
  const quotes = layout === 3 ? 2 + Math.floor(rnd() * 3) : 1;
  for (let q = 0; q < quotes; q++) {
    parts.push(pick(rnd, QUOTE_BLOCKS));
    if (layout >= 1) say();
  }
  if (rnd() < 0.5) parts.push(pick(rnd, TAIL_BLOCKS));
  const gap = () => (rnd() < 0.7 ? "\n\n" : "\n");
  return { body: parts.reduce((all, p) => all + gap() + p), visitor };
}

describe("extractReply: properties", () => {
  it("never returns an empty reply, and keeps every line the visitor wrote above, below or between quotes", () => {
    const rnd = random(20261106);
    for (let run = 0; run < 3000; run++) {
      const { body, visitor } = reply(rnd);
      const { text } = extractReply(body);
      expect(text, `run ${run}:\n${body}`).not.toBe("");
      for (const line of visitor) expect(text, `run ${run}: lost "${line}" of\n${body}`).toContain(line);
    }
  });

  it("never returns an empty reply for any text at all, quotes, markers and blank lines in any order", () => {
    const rnd = random(4711);
    const pieces = [...QUOTE_BLOCKS, ...TAIL_BLOCKS, "", " ", "> x", "Ok", "On", "wrote:", "From: a@b.c", "Date: 2026"];
    for (let run = 0; run < 3000; run++) {
      const body = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(rnd, pieces)).join("\n");
      const { text } = extractReply(body);
      if (body.trim() !== "") expect(text, `run ${run}:\n${body}`).not.toBe("");
    }
  });
});
