import { describe, expect, it } from "vitest";
import {
  LEGACY_REPLY_CUTOVER,
  REPLY_ADDRESS_LIFETIME_DAYS,
  parseReplyAddress,
  replyAddress,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from "./address";

const SECRET = "test-email-secret-0123456789";
const ID = "3f2a9c0d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

const DAY = 86_400_000;
// 2026-12-02 12:00 UTC: day 20789 since 1970.
const NOW = Date.UTC(2026, 11, 2, 12);

/** The first form of reply address (no issue day), still accepted until the cut-over. */
async function legacyAddress(id: string, secret: string): Promise<string> {
  const { hmacSha256 } = await import("../lib/crypto");
  const bytes = (await hmacSha256(secret, `reply:${id}`)).slice(0, 16);
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let sig = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      sig += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) sig += alphabet[(buffer << (5 - bits)) & 31];
  return `reply+${id}.${sig}@in.example.com`;
}

describe("replyAddress", () => {
  it("follows the contract reply+ID.DAY.SIGNATURE@domain, DAY being the UTC day it was issued", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com", NOW);
    expect(address).toMatch(new RegExp(`^reply\\+${ID}\\.20789\\.[a-z2-7]{26}@in\\.example\\.com$`));
  });

  it("is stable for the same id, day and secret, different for another secret or day", async () => {
    const a = await replyAddress(ID, SECRET, "in.example.com", NOW);
    expect(await replyAddress(ID, SECRET, "in.example.com", NOW + 3_600_000)).toBe(a);
    expect(await replyAddress(ID, "another-secret", "in.example.com", NOW)).not.toBe(a);
    expect(await replyAddress(ID, SECRET, "in.example.com", NOW + DAY)).not.toBe(a);
  });

  it("rejects ids that mail systems could not carry", async () => {
    await expect(replyAddress("a.b", SECRET, "in.example.com")).rejects.toThrow(/conversationId/);
    await expect(replyAddress("", SECRET, "in.example.com")).rejects.toThrow(/conversationId/);
    await expect(replyAddress(ID, SECRET, "in.example.com\r\nBcc: x@y.z")).rejects.toThrow(/domain/);
    await expect(replyAddress(ID, "", "in.example.com")).rejects.toThrow(/secret/);
  });
});

describe("parseReplyAddress", () => {
  it("returns the conversation id and issue day of a signed address", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com", NOW);
    expect(await parseReplyAddress(address, SECRET, NOW)).toEqual({
      ok: true,
      conversationId: ID,
      issuedAt: Date.UTC(2026, 11, 2),
    });
  });

  it("accepts upper case and a display name, as mail systems may deliver them", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com", NOW);
    expect(await parseReplyAddress(address.toUpperCase(), SECRET, NOW)).toMatchObject({ ok: true, conversationId: ID });
    expect(await parseReplyAddress(`"Shop" <${address}>`, SECRET, NOW)).toMatchObject({ ok: true, conversationId: ID });
  });

  it("works for 180 full days after the issue day and is expired after", async () => {
    expect(REPLY_ADDRESS_LIFETIME_DAYS).toBe(180);
    const address = await replyAddress(ID, SECRET, "in.example.com", NOW);
    const endOfLife = Date.UTC(2026, 11, 3) + 180 * DAY;
    expect(await parseReplyAddress(address, SECRET, endOfLife - 1)).toMatchObject({ ok: true });
    expect(await parseReplyAddress(address, SECRET, endOfLife)).toEqual({ ok: false, reason: "expired" });
    expect(await parseReplyAddress(address, SECRET, NOW + 365 * DAY)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a moved issue day: the day is signed with the id", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com", NOW - 200 * DAY);
    const day = Math.floor((NOW - 200 * DAY) / DAY);
    const renewed = address.replace(`.${day}.`, `.${day + 100}.`);
    expect(await parseReplyAddress(address, SECRET, NOW)).toEqual({ ok: false, reason: "expired" });
    expect(await parseReplyAddress(renewed, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("accepts the first form (no issue day) until the documented cut-over, then calls it expired", async () => {
    const legacy = await legacyAddress(ID, SECRET);
    expect(await parseReplyAddress(legacy, SECRET, NOW)).toEqual({ ok: true, conversationId: ID, issuedAt: null });
    expect(await parseReplyAddress(legacy, SECRET, LEGACY_REPLY_CUTOVER - 1)).toMatchObject({ ok: true });
    expect(await parseReplyAddress(legacy, SECRET, LEGACY_REPLY_CUTOVER)).toEqual({ ok: false, reason: "expired" });
    expect(new Date(LEGACY_REPLY_CUTOVER).toISOString()).toBe("2027-06-01T00:00:00.000Z");
  });

  it("rejects a forged or altered signature, never saying 'expired' of a forgery", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com", NOW);
    const sig = address.slice(address.lastIndexOf(".", address.indexOf("@")) + 1, address.indexOf("@"));
    const other = `${ID.slice(0, -1)}0`;
    expect(await parseReplyAddress(`reply+${other}.20789.${sig}@in.example.com`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    const flipped = sig.slice(0, -1) + (sig.endsWith("a") ? "b" : "a");
    expect(await parseReplyAddress(`reply+${ID}.20789.${flipped}@in.example.com`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(await parseReplyAddress(`reply+${ID}.${sig}@in.example.com`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(await parseReplyAddress(`reply+${ID}.1.${sig}@in.example.com`, SECRET, NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(await parseReplyAddress(address, "wrong-secret", NOW)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("says when an address is not a reply address at all", async () => {
    const sig = "a".repeat(26);
    for (const address of [
      "support@shop.example",
      `reply+${ID}@in.example.com`,
      "reply+.abc@x.y",
      "",
      "@",
      `reply+${ID}.1234567.${sig}@x.y`,
      `reply+${ID}.-1.${sig}@x.y`,
    ]) {
      expect(await parseReplyAddress(address, SECRET)).toEqual({ ok: false, reason: "not_a_reply_address" });
    }
  });
});

describe("unsubscribe tokens", () => {
  it("round-trips the site and the lowercased address", async () => {
    const token = await unsubscribeToken("Anna@Example.COM", "demo", SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[a-z2-7]{26}$/);
    expect(await verifyUnsubscribeToken(token, SECRET)).toEqual({
      ok: true,
      siteKey: "demo",
      email: "anna@example.com",
    });
  });

  it("rejects tampered, foreign and malformed tokens", async () => {
    const token = await unsubscribeToken("anna@example.com", "demo", SECRET);
    const [, sig] = token.split(".");
    const otherPayload = btoa("demo\nboris@example.com").replace(/=+$/, "");
    expect(await verifyUnsubscribeToken(`${otherPayload}.${sig}`, SECRET)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(await verifyUnsubscribeToken(token, "other-secret")).toEqual({ ok: false, reason: "bad_signature" });
    for (const bad of ["", "abc", "!!!!.abcdefghijklmnopqrstuvwxyz", `${btoa("nonewline")}.${sig}`]) {
      expect(await verifyUnsubscribeToken(bad, SECRET)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
