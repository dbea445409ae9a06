import { describe, expect, it } from "vitest";
import { parseReplyAddress, replyAddress, unsubscribeToken, verifyUnsubscribeToken } from "./address";

const SECRET = "test-email-secret-0123456789";
const ID = "3f2a9c0d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

describe("replyAddress", () => {
  it("follows the contract reply+ID.SIGNATURE@domain", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com");
    expect(address).toMatch(new RegExp(`^reply\\+${ID}\\.[a-z2-7]{26}@in\\.example\\.com$`));
  });

  it("is stable for the same id and secret, different for another secret", async () => {
    const a = await replyAddress(ID, SECRET, "in.example.com");
    expect(await replyAddress(ID, SECRET, "in.example.com")).toBe(a);
    expect(await replyAddress(ID, "another-secret", "in.example.com")).not.toBe(a);
  });

  it("rejects ids that mail systems could not carry", async () => {
    await expect(replyAddress("a.b", SECRET, "in.example.com")).rejects.toThrow(/conversationId/);
    await expect(replyAddress("", SECRET, "in.example.com")).rejects.toThrow(/conversationId/);
    await expect(replyAddress(ID, SECRET, "in.example.com\r\nBcc: x@y.z")).rejects.toThrow(/domain/);
    await expect(replyAddress(ID, "", "in.example.com")).rejects.toThrow(/secret/);
  });
});

describe("parseReplyAddress", () => {
  it("returns the conversation id of a signed address", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com");
    expect(await parseReplyAddress(address, SECRET)).toEqual({ ok: true, conversationId: ID });
  });

  it("accepts upper case and a display name, as mail systems may deliver them", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com");
    expect(await parseReplyAddress(address.toUpperCase(), SECRET)).toEqual({ ok: true, conversationId: ID });
    expect(await parseReplyAddress(`"Shop" <${address}>`, SECRET)).toEqual({ ok: true, conversationId: ID });
  });

  it("rejects a forged or altered signature", async () => {
    const address = await replyAddress(ID, SECRET, "in.example.com");
    const sig = address.slice(address.indexOf(".") + 1, address.indexOf("@"));
    const other = `${ID.slice(0, -1)}0`;
    expect(await parseReplyAddress(`reply+${other}.${sig}@in.example.com`, SECRET)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    const flipped = sig.slice(0, -1) + (sig.endsWith("a") ? "b" : "a");
    expect(await parseReplyAddress(`reply+${ID}.${flipped}@in.example.com`, SECRET)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(await parseReplyAddress(address, "wrong-secret")).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("says when an address is not a reply address at all", async () => {
    for (const address of ["support@shop.example", `reply+${ID}@in.example.com`, "reply+.abc@x.y", "", "@"]) {
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
