/**
 * Files and the email loop: a visitor's email reply stores its allowed attachments in R2 and
 * shows them in the chat; a zip bomb, an SVG and anything over the limits are not stored and
 * are named with the reason; follow-up emails list the operator's files as signed links that
 * work without a token.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { handleInboundEmail } from "../../worker/api/inbound-email";
import { replyAddress } from "../../worker/email";
import * as fx from "./files-fixtures";
import {
  BASE,
  createSite,
  inboundEmail,
  login,
  noAutoReplies,
  operatorSocket,
  startSession,
  visitorSocket,
} from "./helpers";

const SITE = "files-mail";
let cookie: string;

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await noAutoReplies(cookie);
});

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/.{76}/g, "$&\r\n");
}

/** A zip whose one entry inflates to 50 MB of zeros: a few KB by email. */
async function zipBomb(): Promise<Uint8Array> {
  const zeros = new Response(new Uint8Array(50 * 1024 * 1024)).body!.pipeThrough(new CompressionStream("deflate-raw"));
  const deflated = new Uint8Array(await new Response(zeros).arrayBuffer());
  const header = Uint8Array.from([
    0x50,
    0x4b,
    0x03,
    0x04,
    20,
    0,
    0,
    0,
    8,
    0,
    ...new Array(16).fill(0),
    8,
    0,
    0,
    0,
    ...Array.from("zero.bin", (c) => c.charCodeAt(0)),
  ]);
  const out = new Uint8Array(header.length + deflated.length);
  out.set(header);
  out.set(deflated, header.length);
  return out;
}

function multipart(
  to: string,
  messageId: string,
  parts: Array<{ name: string; type: string; bytes: Uint8Array }>,
): string {
  const b = "b0undary";
  return [
    "From: Ann <ann@example.com>",
    `To: ${to}`,
    "Subject: Re: your answer",
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${b}"`,
    "",
    `--${b}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Here are the photos.",
    "",
    ...parts.flatMap((p) => [
      `--${b}`,
      `Content-Type: ${p.type}; name="${p.name}"`,
      `Content-Disposition: attachment; filename="${p.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      base64(p.bytes),
      "",
    ]),
    `--${b}--`,
    "",
  ].join("\r\n");
}

function inbound(raw: string, to: string) {
  return inboundEmail(raw, to).message;
}

/** Sets a site's file limits as its owner. */
async function fileLimits(owner: string, files: { maxFileMB: number; maxConversationMB?: number }) {
  const res = await SELF.fetch(`${BASE}/api/v1/admin/settings`, {
    method: "PUT",
    headers: { Cookie: owner, Origin: BASE, "Content-Type": "application/json" },
    body: JSON.stringify({ files }),
  });
  expect(res.status).toBe(200);
}

async function keys(conversationId: string): Promise<string[]> {
  return (await env.FILES.list({ prefix: `sites/${SITE}/conversations/${conversationId}/` })).objects.map((o) => o.key);
}

async function visitorWithEmail() {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("Do you have this in blue?");
  tab.send({ type: "contact", email: `v${crypto.randomUUID().slice(0, 6)}@example.com` });
  await tab.next("contact");
  return { grant, tab };
}

describe("attachments of a visitor's email reply", () => {
  it("stores the allowed ones and shows them in the chat; a zip bomb and an SVG are refused with a reason", async () => {
    const { grant } = await visitorWithEmail();
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const raw = multipart(to, "<files-1@example.com>", [
      { name: "blue.png", type: "image/png", bytes: fx.png(320, 200) },
      { name: "bomb.zip", type: "application/zip", bytes: await zipBomb() },
      { name: "logo.svg", type: "image/svg+xml", bytes: fx.svg() },
      { name: "fake.pdf", type: "application/pdf", bytes: fx.html() },
    ]);
    expect(await handleInboundEmail(inbound(raw, to), env)).toMatchObject({ outcome: "stored" });
    const { message } = await op.next("message");
    expect(message.text).toBe("Here are the photos.");
    expect(message.attachments).toEqual([
      expect.objectContaining({ name: "blue.png", type: "image/png", width: 320, height: 200 }),
    ]);
    expect(message.meta.refusedFiles).toEqual([
      { name: "bomb.zip", reason: expect.stringContaining(".zip files are not accepted") },
      { name: "logo.svg", reason: expect.stringContaining(".svg files are not accepted") },
      { name: "fake.pdf", reason: expect.stringContaining("content is not") },
    ]);
    expect(await keys(grant.conversationId)).toHaveLength(1);
    // The same email again: stored once, and no second copy of its file in R2.
    expect(await handleInboundEmail(inbound(raw, to), env)).toMatchObject({ outcome: "duplicate" });
    expect(await keys(grant.conversationId)).toHaveLength(1);
    // The visitor's widget can open it.
    const res = await SELF.fetch(
      `${BASE}/api/v1/conversations/${grant.conversationId}/files/${message.attachments[0].id}?token=${encodeURIComponent(grant.visitorToken)}`,
    );
    expect(res.headers.get("Content-Type")).toBe("image/png");
  });

  it("lets the visitor see the files of an email from another address once an operator accepts it", async () => {
    const { grant, tab } = await visitorWithEmail();
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    // From ann@example.com, not the visitor's address: held for the operator.
    const raw = multipart(to, "<files-held@example.com>", [
      { name: "blue.png", type: "image/png", bytes: fx.png(320, 200) },
    ]);
    expect(await handleInboundEmail(inbound(raw, to), env)).toMatchObject({ outcome: "stored" });
    const { message: held } = await op.next("message");
    expect(held.meta.unverifiedSender).toBe(true);
    op.send({ type: "acceptEmail", seq: held.seq });
    const { message: copy } = await tab.next("message");
    expect(copy).toMatchObject({ text: "Here are the photos.", author: { kind: "guest" } });
    expect(copy.attachments).toEqual([expect.objectContaining({ name: "blue.png", type: "image/png" })]);
    const res = await SELF.fetch(
      `${BASE}/api/v1/conversations/${grant.conversationId}/files/${copy.attachments[0].id}?token=${encodeURIComponent(grant.visitorToken)}`,
    );
    expect(res.headers.get("Content-Type")).toBe("image/png");
    // The held original is the operators' alone: deleting it leaves the visitor's copy whole.
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await stub.deleteMessage(SITE, held.seq);
    expect(await keys(grant.conversationId)).toHaveLength(1);
  });

  it("keeps within the site's limits", async () => {
    const site = "files-mail-small";
    await createSite(site);
    await fileLimits(await login(site), { maxFileMB: 1 });
    const grant = await startSession(site);
    (await visitorSocket(grant)).close();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    const raw = multipart(to, "<files-2@example.com>", [
      { name: "big.png", type: "image/png", bytes: fx.png(100, 100, 1_200_000) },
    ]);
    expect(await handleInboundEmail(inbound(raw, to), env)).toMatchObject({ outcome: "stored" });
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    const last = await runInDurableObject(stub, (_i, s) =>
      s.storage.sql
        .exec<{ meta: string; attachments: string | null }>(
          "SELECT meta, attachments FROM messages ORDER BY seq DESC LIMIT 1",
        )
        .one(),
    );
    expect(last.attachments).toBeNull();
    expect(JSON.parse(last.meta).refusedFiles).toEqual([
      { name: "big.png", reason: "larger than 1 MB, this site's limit" },
    ]);
    expect((await env.FILES.list({ prefix: `sites/${site}/` })).objects).toEqual([]);
  });

  it("keeps two emails that arrive at once within the conversation's limit", async () => {
    const site = "files-mail-at-once";
    await createSite(site);
    await fileLimits(await login(site), { maxFileMB: 1, maxConversationMB: 2 });
    const grant = await startSession(site);
    (await visitorSocket(grant)).close();
    const to = await replyAddress(grant.conversationId, env.TOKEN_SECRET, "in.chat.example");
    // Each email alone fits (two photos of 0.9 MB); both together do not.
    const email = (id: string) =>
      multipart(to, `<${id}@example.com>`, [
        { name: `${id}-a.png`, type: "image/png", bytes: fx.png(100, 100, 900_000) },
        { name: `${id}-b.png`, type: "image/png", bytes: fx.png(100, 100, 900_000) },
      ]);
    const results = await Promise.all([
      handleInboundEmail(inbound(email("one"), to), env),
      handleInboundEmail(inbound(email("two"), to), env),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(["stored", "stored"]);
    const stored = (await env.FILES.list({ prefix: `sites/${site}/conversations/${grant.conversationId}/` })).objects;
    expect(stored.reduce((n, o) => n + o.size, 0)).toBeLessThanOrEqual(2 * 1024 * 1024);
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    const messages = await runInDurableObject(stub, (_i, s) =>
      s.storage.sql
        .exec<{ meta: string; attachments: string | null }>(
          "SELECT meta, attachments FROM messages WHERE channel = 'email' ORDER BY seq",
        )
        .toArray(),
    );
    // Every file is in R2 and in the chat, or named as refused: none lost, none stored unseen.
    const shown = messages.flatMap((m) => JSON.parse(m.attachments ?? "[]").map((f: { id: string }) => f.id));
    const refused = messages.flatMap((m) => JSON.parse(m.meta).refusedFiles ?? []);
    expect(shown.length + refused.length).toBe(4);
    expect(stored.map((o) => o.key.split("/").pop()).sort()).toEqual([...shown].sort());
    expect(refused.every((r: { reason: string }) => r.reason === "the conversation's files are over its limit")).toBe(
      true,
    );
  });
});

describe("follow-up emails", () => {
  it("list the operator's files as links that work for the visitor", async () => {
    const { grant, tab } = await visitorWithEmail();
    tab.close();
    const q = new URLSearchParams({ name: "manual.pdf", clientId: "manual-1" });
    const up = await SELF.fetch(`${BASE}/api/v1/admin/conversations/${grant.conversationId}/files?${q}`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE },
      body: fx.pdf(),
    });
    expect(up.status).toBe(201);
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    for (let i = 0; i < 2; i++) {
      await runInDurableObject(
        stub,
        (_i, s) => void s.storage.sql.exec("UPDATE timers SET due = ? WHERE kind = 'followup'", Date.now() - 1),
      );
      await runDurableObjectAlarm(stub);
    }
    const res = await SELF.fetch(`${BASE}/api/v1/admin/outbox`, { headers: { Cookie: cookie } });
    const mail = ((await res.json()) as any).messages.find(
      (m: any) => m.kind === "followup" && m.conversationId === grant.conversationId,
    );
    const link = mail.message.text.match(/manual\.pdf: (https:\/\/chat\.example\/api\/v1\/files\/\S+)/)?.[1];
    expect(link, mail.message.text).toBeTruthy();
    expect(Number(new URL(link).searchParams.get("exp")) * 1000).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const file = await SELF.fetch(link);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Disposition")).toMatch(/^attachment; filename="manual.pdf"/);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(fx.pdf());
  });
});
