import { describe, expect, it } from "vitest";
import { MAX_TEXT, operatorFrame } from "../protocol";
import { parseFrame, plainMessage } from "./frames";

/** Message and note frames at the edges of what the schema takes, and a few random ones. */
function frames(): Record<string, unknown>[] {
  const texts = [
    "hello",
    "  padded  ",
    "\u00a0\u2003nbsp and em space\u3000",
    "\n\t",
    "",
    " ",
    "x".repeat(MAX_TEXT),
    ` ${"x".repeat(MAX_TEXT)} `,
    "x".repeat(MAX_TEXT + 1),
    "emoji 😀".repeat(500),
    "<b>not html</b>",
    "\u0000nul",
  ];
  const ids = ["c1", "a".repeat(64), "a".repeat(65), "", "with space", "ok_.:-9", "ünïcode", "a\n"];
  const out: Record<string, unknown>[] = [];
  for (const type of ["message", "note"])
    for (const clientId of ids) for (const text of texts) out.push({ type, clientId, text });
  out.push({ type: "message", clientId: "c1", text: "extra keys", seq: 5, author: { kind: "operator" } });
  out.push(JSON.parse('{"type":"message","clientId":"c1","text":"proto","__proto__":{"admin":true}}'));
  out.push({ type: "message", clientId: 5, text: "id not a string" });
  out.push({ type: "message", clientId: "c1", text: 5 });
  out.push({ type: "message", clientId: "c1" });
  for (let i = 0; i < 500; i++) {
    const len = Math.floor(Math.random() * 80);
    const chars = " \t\nab_.:-😀\u00a0ZЖ/";
    const pick = (n: number) =>
      Array.from({ length: n }, () => chars[Math.floor(Math.random() * chars.length)]).join("");
    out.push({
      type: Math.random() < 0.5 ? "message" : "note",
      clientId: pick(Math.floor(Math.random() * 70)),
      text: pick(len),
    });
  }
  return out;
}

describe("message frames without the schema", () => {
  it("takes only what the schema takes, and gives what the schema gives", () => {
    let taken = 0;
    for (const json of frames()) {
      const schema = operatorFrame.safeParse(json);
      const plain = plainMessage(json, json.type as string);
      if (plain) {
        taken++;
        expect(schema.success, JSON.stringify(json)).toBe(true);
        expect(plain).toStrictEqual(schema.data);
      }
      // What a socket gets is the same either way.
      const parsed = parseFrame("operator", JSON.stringify(json));
      if (schema.success) expect(parsed).toStrictEqual({ frame: schema.data });
      else expect(parsed).toHaveProperty("refused");
    }
    expect(taken).toBeGreaterThan(20);
  });

  it("leaves refusals to the schema, which words them", () => {
    expect(parseFrame("visitor", JSON.stringify({ type: "message", clientId: "c1", text: "   " }))).toStrictEqual({
      refused: { code: "empty_text", message: "message text is empty", clientId: "c1" },
    });
    const long = parseFrame(
      "visitor",
      JSON.stringify({ type: "message", clientId: "c2", text: "x".repeat(MAX_TEXT + 1) }),
    );
    expect(long).toMatchObject({ refused: { code: "text_too_long", clientId: "c2" } });
    expect(parseFrame("visitor", JSON.stringify({ type: "note", clientId: "c3", text: "hi" }))).toMatchObject({
      refused: { code: "bad_frame" },
    });
  });
});
