/// <reference types="vite/client" />
/**
 * Table tests: every file of test/fixtures/email-replies is one class (a failure class of
 * the outside check, or a language) and every case in it a row. Prints the pass count of
 * each class at the end.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parseInbound } from "../inbound";
import { extractReply } from ".";

const texts = import.meta.glob<string>("../../../test/fixtures/email-replies/*.txt", {
  query: "?raw",
  import: "default",
  eager: true,
});
const messages = import.meta.glob<string>("../../../test/fixtures/email-replies/*.eml", {
  query: "?raw",
  import: "default",
  eager: true,
});

interface Case {
  name: string;
  body: string;
  reply: string;
}

/** Reads "=== name / body / --- reply / expected" cases (see the fixtures' README). */
function parseCases(file: string): Case[] {
  return file
    .split(/^=== /m)
    .slice(1)
    .map((chunk) => {
      const [head, ...rest] = chunk.split("\n");
      const [body, reply] = rest.join("\n").split(/^--- reply\n/m);
      if (reply === undefined) throw new Error(`case "${head}" has no "--- reply" line`);
      return { name: head.trim(), body: body.replace(/\n$/, ""), reply: reply.replace(/\n+$/, "") };
    });
}

const tally = new Map<string, { cases: number; passed: number }>();
function count(klass: string, passed: boolean): void {
  const row = tally.get(klass) ?? { cases: 0, passed: 0 };
  row.cases++;
  if (passed) row.passed++;
  tally.set(klass, row);
}

afterAll(() => {
  const rows = [...tally].map(([klass, r]) => `${klass.padEnd(20)} ${String(r.passed).padStart(3)} / ${r.cases}`);
  const total = [...tally.values()].reduce((a, r) => ({ cases: a.cases + r.cases, passed: a.passed + r.passed }), {
    cases: 0,
    passed: 0,
  });
  console.log(
    [
      "class                passed / cases",
      ...rows,
      `${"all".padEnd(20)} ${String(total.passed).padStart(3)} / ${total.cases}`,
    ].join("\n"),
  );
});

const nameOf = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/\.\w+$/, "");

for (const [path, file] of Object.entries(texts)) {
  const klass = nameOf(path);
  describe(`reply class ${klass}`, () => {
    for (const c of parseCases(file)) {
      it(c.name, () => {
        const result = extractReply(c.body);
        // Nothing vanishes: every word is in the reply or in the hidden quote.
        const kept = `${result.text}\n${result.quoted}`;
        const lost = c.body.split(/\s+/).filter((w) => w !== "" && !kept.includes(w));
        count(klass, result.text === c.reply && lost.length === 0);
        expect(result.text).toBe(c.reply);
        expect(lost).toEqual([]);
      });
    }
  });
}

// Whole messages: format=flowed, HTML only, charsets. The expected reply is in the fixture's
// X-Expected-Reply header (JSON string), the rest is the message as the client sent it.
describe("reply class decoding", () => {
  for (const [path, raw] of Object.entries(messages)) {
    it(nameOf(path), async () => {
      const expected = JSON.parse(/^X-Expected-Reply: (.*)$/m.exec(raw)![1]) as string;
      const email = await parseInbound(raw.replace(/\r?\n/g, "\r\n"));
      count("decoding", email.text === expected);
      expect(email.text).toBe(expected);
      expect(email.quoted).not.toBe("");
    });
  }
});
