/**
 * Files in conversations through the real Worker and R2 (wrangler.toml's FILES bucket,
 * simulated by the test runtime): uploads by the visitor and the operator, the allowlist by
 * content, limits, who may read, the serving headers, signed links, deleting a message and
 * erasing a contact.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { signedFilePath } from "../../worker/files/links";
import { fileKey } from "../../worker/files/storage";
import type { Env } from "../../worker/env";
import { siteStub } from "../../worker/lib/jurisdiction";
import { addOperator, call, expectJson } from "./admin-helpers";
import * as fx from "./files-fixtures";
import {
  BASE,
  createSite,
  eventually,
  login,
  operatorSocket,
  ORIGIN,
  startSession,
  visitorSocket,
  type Grant,
} from "./helpers";

const SITE = "files-shop";
let owner: string;

beforeAll(async () => {
  await createSite(SITE);
  await createSite("files-other");
  owner = await login(SITE);
});

/** A visitor with an open chat (the conversation exists once the socket connected). */
async function visitor(): Promise<Grant> {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  tab.close();
  return grant;
}

function upload(
  grant: Grant,
  body: Uint8Array,
  name: string,
  clientId: string = crypto.randomUUID(),
  conversationId = grant.conversationId,
) {
  const q = new URLSearchParams({ token: grant.visitorToken, name, clientId });
  return SELF.fetch(`${BASE}/api/v1/conversations/${conversationId}/files?${q}`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/octet-stream" },
    body,
  });
}

function operatorUpload(
  cookie: string,
  conversationId: string,
  body: Uint8Array,
  name: string,
  clientId: string = crypto.randomUUID(),
) {
  const q = new URLSearchParams({ name, clientId });
  return SELF.fetch(`${BASE}/api/v1/admin/conversations/${conversationId}/files?${q}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/octet-stream" },
    body,
  });
}

/** Opens a file as the visitor: the redirect, then the signed link. */
async function openAsVisitor(grant: Grant, fileId: string): Promise<{ redirect: Response; file: Response }> {
  const redirect = await SELF.fetch(
    `${BASE}/api/v1/conversations/${grant.conversationId}/files/${fileId}?token=${encodeURIComponent(grant.visitorToken)}`,
    { redirect: "manual" },
  );
  const file = await SELF.fetch(redirect.headers.get("Location") ?? `${BASE}/nowhere`, { redirect: "manual" });
  return { redirect, file };
}

/** The operator's redirect to a file (not followed). */
function openAsOperator(cookie: string | null, conversationId: string, fileId: string): Promise<Response> {
  return SELF.fetch(`${BASE}/api/v1/admin/conversations/${conversationId}/files/${fileId}`, {
    headers: cookie ? { Cookie: cookie } : {},
    redirect: "manual",
  });
}

async function storedKeys(conversationId: string): Promise<string[]> {
  const page = await env.FILES.list({ prefix: `sites/${SITE}/conversations/${conversationId}/` });
  return page.objects.map((o) => o.key);
}

/**
 * Makes the conversation's listings of its files in R2 wait, once taken, until `pause.over`;
 * `pause.listed` says one was taken. Flags, not promises: a promise settled in the object's
 * context cannot be awaited in the test's.
 */
function pauseAfterListing(host: { env: Env }, pause: { listed: boolean; over: boolean }): void {
  const bucket: any = host.env.FILES;
  const listThenWait = async (options?: R2ListOptions) => {
    const page = await bucket.list(options);
    pause.listed = true;
    while (!pause.over) await new Promise((r) => setTimeout(r, 10));
    return page;
  };
  const files = new Proxy(bucket, { get: (b, method) => (method === "list" ? listThenWait : b[method].bind(b)) });
  host.env = new Proxy(host.env, { get: (e: any, name) => (name === "FILES" ? files : e[name]) });
}

describe("uploads", () => {
  it("stores a visitor's image and the operator sees it in a message frame with its metadata", async () => {
    const grant = await visitor();
    const op = await operatorSocket(owner, grant.conversationId);
    await op.hello();
    const res = await upload(grant, fx.png(640, 480), "screenshot.png", "paste-1");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const body = await expectJson(res, 201);
    expect(body.file).toMatchObject({
      name: "screenshot.png",
      type: "image/png",
      width: 640,
      height: 480,
      size: fx.png(640, 480).length,
    });
    expect(body.file.id).toMatch(/^f_[0-9a-f]{32}$/);
    const frame = await op.next("message");
    expect(frame.message).toMatchObject({ clientId: "paste-1", author: { kind: "visitor" }, attachments: [body.file] });
    // The welcome of a later socket carries it too, and the gallery lists it.
    const tab = await visitorSocket(grant);
    expect((await tab.hello()).messages.at(-1).attachments).toEqual([body.file]);
    const gallery = await expectJson(call("GET", `/conversations/${grant.conversationId}/files`, owner), 200);
    expect(gallery.files).toEqual([{ ...body.file, seq: frame.message.seq, at: frame.message.at, author: "visitor" }]);
    expect(await storedKeys(grant.conversationId)).toEqual([
      fileKey({ siteKey: SITE, conversationId: grant.conversationId, fileId: body.file.id }),
    ]);
  });

  it("a retried upload with the same clientId is stored once", async () => {
    const grant = await visitor();
    const first = await expectJson(upload(grant, fx.pdf(), "invoice.pdf", "retry-1"), 201);
    const again = await expectJson(upload(grant, fx.pdf(), "invoice.pdf", "retry-1"), 200);
    expect(again.message.seq).toBe(first.message.seq);
    expect(again.duplicate).toBe(true);
    expect(await storedKeys(grant.conversationId)).toHaveLength(1);
  });

  it("answers the CORS preflight of the widget's upload", async () => {
    const grant = await visitor();
    const res = await SELF.fetch(`${BASE}/api/v1/conversations/${grant.conversationId}/files`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
  });

  it("an operator sends an image back; the visitor's tab receives it", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    const sent = await expectJson(
      operatorUpload(owner, grant.conversationId, fx.jpeg(800, 600), "size-chart.jpg"),
      201,
    );
    const frame = await tab.next("message");
    expect(frame.message.author.kind).toBe("operator");
    expect(frame.message.attachments).toEqual([
      {
        id: sent.file.id,
        name: "size-chart.jpg",
        type: "image/jpeg",
        size: fx.jpeg(800, 600).length,
        width: 800,
        height: 600,
      },
    ]);
  });
});

describe("bad input is refused and nothing is stored", () => {
  const cases: Array<[string, () => Uint8Array, string, number, string]> = [
    ["an SVG (active content)", fx.svg, "logo.svg", 415, "type_not_allowed"],
    ["an SVG named as a PNG", fx.svg, "logo.png", 415, "type_not_allowed"],
    ["HTML named as text", fx.html, "notes.txt", 415, "type_not_allowed"],
    ["a JPEG named as a PNG", () => fx.jpeg(), "photo.png", 415, "type_mismatch"],
    ["a PDF named as a JPEG", fx.pdf, "photo.jpg", 415, "type_mismatch"],
    ["a GIF that is also HTML", fx.gifPolyglot, "funny.gif", 415, "active_content"],
    ["a zip", fx.zip, "archive.zip", 415, "type_not_allowed"],
    ["a zip named as a PDF", fx.zip, "manual.pdf", 415, "type_not_allowed"],
    ["an empty file", () => new Uint8Array(), "empty.txt", 400, "empty_file"],
    ["a PNG with a damaged header", () => fx.png().slice(0, 20), "cut.png", 415, "bad_image"],
    ["a PNG of 20000×20000 pixels", () => fx.png(20_000, 20_000), "huge.png", 413, "image_too_large"],
  ];
  for (const [what, make, name, status, code] of cases) {
    it(what, async () => {
      const grant = await visitor();
      const body = await expectJson(upload(grant, make(), name), status);
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(await storedKeys(grant.conversationId)).toEqual([]);
      // The chat keeps working.
      const tab = await visitorSocket(grant);
      await tab.hello();
      expect(await tab.say("still here")).toBeGreaterThan(0);
    });
  }

  it("refuses a missing name and a bad clientId", async () => {
    const grant = await visitor();
    expect((await expectJson(upload(grant, fx.text(), ""), 400)).error.code).toBe("missing_name");
    expect((await expectJson(upload(grant, fx.text(), "a.txt", "no spaces allowed"), 400)).error.code).toBe(
      "invalid_client_id",
    );
  });

  it("keeps the name without folders or control characters and adds the type's extension", async () => {
    const grant = await visitor();
    const body = await expectJson(upload(grant, fx.png(), '..\\..\\C:/evil\r\n"name'), 201);
    expect(body.file.name).toBe("evilname.png");
  });

  it("refuses files over the site's per-file limit and over the conversation's limit", async () => {
    const site = "files-limits";
    await createSite(site);
    const cookie = await login(site);
    const saved = await expectJson(
      call("PUT", "/settings", cookie, { files: { maxFileMB: 1, maxConversationMB: 2 } }),
      200,
    );
    expect(saved.settings.files).toEqual({ maxFileMB: 1, maxConversationMB: 2 });
    expect(
      (await expectJson(call("PUT", "/settings", cookie, { files: { maxFileMB: 500 } }), 400)).error.fields,
    ).toHaveProperty("files.maxFileMB");
    const grant = await startSession(site);
    (await visitorSocket(grant)).close();
    const big = await expectJson(upload(grant, fx.png(100, 100, 1_100_000), "big.png"), 413);
    expect(big.error).toMatchObject({
      code: "file_too_large",
      message: "the file is larger than 1 MB, this site's limit",
    });
    await expectJson(upload(grant, fx.png(100, 100, 900_000), "one.png"), 201);
    await expectJson(upload(grant, fx.png(100, 100, 900_000), "two.png"), 201);
    const full = await expectJson(upload(grant, fx.png(100, 100, 900_000), "three.png"), 413);
    expect(full.error.code).toBe("conversation_full");
    const keys = await env.FILES.list({ prefix: `sites/${site}/conversations/${grant.conversationId}/` });
    expect(keys.objects).toHaveLength(2);
  });
});

describe("only the parties of a conversation", () => {
  it("refuses an upload to another visitor's conversation and a forged or missing token", async () => {
    const mine = await visitor();
    const theirs = await visitor();
    const refused = await upload(mine, fx.png(), "a.png", undefined, theirs.conversationId);
    // The widget on the shop's page can read the refusal's message.
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    const wrong = await expectJson(refused, 403);
    expect(wrong.error.code).toBe("wrong_conversation");
    const forged = { ...mine, visitorToken: `${mine.visitorToken.split(".")[0]}.AAAA` };
    expect((await expectJson(upload(forged, fx.png(), "a.png"), 401)).error.code).toBe("invalid_token");
    expect(await storedKeys(theirs.conversationId)).toEqual([]);
  });

  it("refuses an operator of another site, for uploads, the gallery and files", async () => {
    const grant = await visitor();
    const { file } = await expectJson(upload(grant, fx.png(), "a.png"), 201);
    const other = await login("files-other");
    expect((await expectJson(operatorUpload(other, grant.conversationId, fx.png(), "b.png"), 403)).error.code).toBe(
      "forbidden",
    );
    expect((await expectJson(call("GET", `/conversations/${grant.conversationId}/files`, other), 403)).error.code).toBe(
      "forbidden",
    );
    // Their redirect signs a link to their own site's key: the file is not there.
    const res = await openAsOperator(other, grant.conversationId, file.id);
    const followed = await SELF.fetch(res.headers.get("Location")!);
    expect(followed.status).toBe(404);
    expect(await storedKeys(grant.conversationId)).toHaveLength(1);
  });

  it("refuses guessed, altered and expired links", async () => {
    const grant = await visitor();
    const { file } = await expectJson(upload(grant, fx.png(), "a.png"), 201);
    const ref = { siteKey: SITE, conversationId: grant.conversationId, fileId: file.id };
    const guessed = await SELF.fetch(`${BASE}/api/v1/files/${SITE}/${grant.conversationId}/${file.id}`);
    expect((await expectJson(guessed, 403)).error.code).toBe("invalid_link");
    const good = await signedFilePath(env.TOKEN_SECRET, ref, Date.now());
    const otherFile = good.replace(file.id, `f_${"0".repeat(32)}`);
    expect((await expectJson(SELF.fetch(`${BASE}${otherFile}`), 403)).error.code).toBe("invalid_link");
    const longer = good.replace(/exp=(\d+)/, (_m, exp) => `exp=${Number(exp) + 3600}`);
    expect((await expectJson(SELF.fetch(`${BASE}${longer}`), 403)).error.code).toBe("invalid_link");
    const old = await signedFilePath(env.TOKEN_SECRET, ref, Date.now() - 3600_000);
    expect((await expectJson(SELF.fetch(`${BASE}${old}`), 403)).error.code).toBe("link_expired");
    expect((await SELF.fetch(`${BASE}${good}`)).status).toBe(200);
  });
});

describe("serving", () => {
  it("shows raster images inline and everything else as an attachment, sandboxed and never sniffed", async () => {
    const grant = await visitor();
    const image = await expectJson(upload(grant, fx.png(), "pic.png"), 201);
    const doc = await expectJson(upload(grant, fx.pdf(), "Rechnung März.pdf"), 201);
    const note = await expectJson(upload(grant, fx.text("plain words <b>not bold</b>"), "note.txt"), 201);

    const { redirect, file } = await openAsVisitor(grant, image.file.id);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("Cache-Control")).toBe("no-store");
    expect(new URL(redirect.headers.get("Location")!).searchParams.get("sig")).toBeTruthy();
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("image/png");
    expect(file.headers.get("Content-Disposition")).toMatch(/^inline; filename="pic.png"/);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(fx.png());

    const pdf = (await openAsVisitor(grant, doc.file.id)).file;
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(pdf.headers.get("Content-Disposition")).toBe(
      `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    );
    const txt = (await openAsVisitor(grant, note.file.id)).file;
    expect(txt.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(txt.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    for (const res of [file, pdf, txt]) {
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
      expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    }
  });

  it("the operator opens files with the session; without one the redirect is refused", async () => {
    const grant = await visitor();
    const { file } = await expectJson(upload(grant, fx.gif(), "anim.gif"), 201);
    const res = await openAsOperator(owner, grant.conversationId, file.id);
    expect(res.status).toBe(302);
    expect((await SELF.fetch(res.headers.get("Location")!)).headers.get("Content-Type")).toBe("image/gif");
    expect((await openAsOperator(null, grant.conversationId, file.id)).status).toBe(401);
    const expired = await SELF.fetch(`${BASE}/api/v1/conversations/${grant.conversationId}/files/${file.id}`, {
      redirect: "manual",
    });
    expect((await expectJson(expired, 401)).error.code).toBe("missing_token");
  });
});

describe("deleting and erasing", () => {
  it("deleting a message deletes its file, and every socket is told", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    const { file, message } = await expectJson(upload(grant, fx.png(), "oops.png"), 201);
    await tab.next("message");
    const operator = await addOperator(SITE, owner, "operator");
    const gone = await expectJson(
      call("DELETE", `/conversations/${grant.conversationId}/messages/${message.seq}`, operator.cookie),
      200,
    );
    expect(gone).toEqual({ seq: message.seq, files: 1 });
    expect(await tab.next("deleted")).toEqual({ type: "deleted", seq: message.seq });
    expect(await storedKeys(grant.conversationId)).toEqual([]);
    expect((await openAsVisitor(grant, file.id)).file.status).toBe(404);
    const welcome = await (await visitorSocket(grant)).hello();
    expect(welcome.messages.find((m: any) => m.seq === message.seq)).toMatchObject({
      text: "",
      meta: { deleted: true },
    });
    expect(welcome.messages.find((m: any) => m.seq === message.seq).attachments).toBeUndefined();
    expect(
      (await expectJson(call("DELETE", `/conversations/${grant.conversationId}/messages/9999`, owner), 404)).error.code,
    ).toBe("unknown_message");
  });

  it("a deleted message leaves the inbox's preview and unread count too", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("my card is 4111 1111 1111 1111");
    const entry = async () =>
      (await expectJson(call("GET", "/conversations", owner), 200)).conversations.find(
        (c: any) => c.id === grant.conversationId,
      );
    await eventually(async () =>
      expect(await entry()).toMatchObject({ lastMessage: { text: "my card is 4111 1111 1111 1111" }, unread: 1 }),
    );
    await expectJson(call("DELETE", `/conversations/${grant.conversationId}/messages/1`, owner), 200);
    await eventually(async () => expect((await entry()).lastMessage.text).toBe(""));
    await tab.say("sorry, wrong window");
    await eventually(async () =>
      expect(await entry()).toMatchObject({ lastMessage: { text: "sorry, wrong window" }, unread: 1 }),
    );
  });

  it("erasing the contact deletes their files", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("here is a photo");
    await expectJson(upload(grant, fx.jpeg(), "me.jpg"), 201);
    await expectJson(operatorUpload(owner, grant.conversationId, fx.pdf(), "manual.pdf"), 201);
    expect(await storedKeys(grant.conversationId)).toHaveLength(2);
    await eventually(async () => {
      expect(
        (await expectJson(call("GET", `/conversations/${grant.conversationId}/visitor`, owner), 200)).visitor,
      ).toBeTruthy();
    });
    await expectJson(call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: grant.visitorId }), 200);
    expect(await storedKeys(grant.conversationId)).toEqual([]);
  });

  it("a file uploaded while the erasure deletes the conversation's files is not left in R2", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("here is a photo");
    await expectJson(upload(grant, fx.jpeg(), "me.jpg"), 201);
    await eventually(async () => {
      expect(
        (await expectJson(call("GET", `/conversations/${grant.conversationId}/visitor`, owner), 200)).visitor,
      ).toBeTruthy();
    });
    // The conversation lists its files in R2, and another upload lands before it goes on.
    const pause = { listed: false, over: false };
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await runInDurableObject(stub as DurableObjectStub, async (instance: any, _state) => {
      pauseAfterListing(instance.host, pause);
      return true;
    });
    const erasing = call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: grant.visitorId });
    await eventually(() => expect(pause.listed).toBe(true));
    const late = await upload(grant, fx.png(), "late.png");
    pause.over = true;
    await expectJson(erasing, 200);
    expect(await storedKeys(grant.conversationId)).toEqual([]);
    // The visitor is told the file was not stored, not shown it in a conversation that is gone.
    expect(late.status).not.toBe(201);
  });

  it("a tab that comes back while the erasure is under way starts without the erased contact's email", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    tab.send({ type: "contact", email: "erase-me@example.com" });
    await tab.say("here is a photo");
    await expectJson(upload(grant, fx.jpeg(), "me.jpg"), 201);
    const site = siteStub(env, SITE);
    await eventually(async () => {
      expect((await site.contactOf(grant.visitorId))?.email).toBe("erase-me@example.com");
      expect(await site.hasConversation(grant.conversationId)).toBe(true);
    });
    const pause = { listed: false, over: false };
    const stub = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    await runInDurableObject(stub, (instance) => {
      pauseAfterListing((instance as unknown as { host: { env: Env } }).host, pause);
    });
    const erasing = call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: grant.visitorId });
    // The conversation's storage is gone, its files being listed; the Site still has the contact.
    await eventually(() => expect(pause.listed).toBe(true));
    const back = await visitorSocket(await startSession(SITE, { visitorToken: grant.visitorToken }));
    await back.hello();
    let stored: unknown[] = [];
    await runInDurableObject(stub, (_i, state) => {
      stored = state.storage.sql.exec("SELECT email FROM conversation").toArray();
    });
    pause.over = true;
    await expectJson(erasing, 200);
    expect(stored).toEqual([{ email: null }]);
    expect(await site.contactOf(grant.visitorId)).toBeNull();
  });

  it("retention deletes the files of the conversations it erases", async () => {
    const grant = await visitor();
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("an old question");
    await expectJson(upload(grant, fx.png(), "old.png"), 201);
    const site = siteStub(env, SITE);
    await eventually(async () => expect(await site.hasConversation(grant.conversationId)).toBe(true));
    await expectJson(call("PUT", "/data/retention", owner, { months: 6 }), 200);
    await runInDurableObject(site, (_i, state) => {
      state.storage.sql.exec(
        "UPDATE inbox SET updated_at = ? WHERE id = ?",
        Date.now() - 7 * 31 * 86_400_000,
        grant.conversationId,
      );
      state.storage.sql.exec("UPDATE timers SET due = 1 WHERE kind = 'retention'");
    });
    expect(await runDurableObjectAlarm(site)).toBe(true);
    expect(await storedKeys(grant.conversationId)).toEqual([]);
    await expectJson(call("PUT", "/data/retention", owner, { months: null }), 200);
  });
});
