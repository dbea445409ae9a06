/**
 * The security suite's Chromium part, against the real Worker in wrangler's local runtime:
 * the XSS payload list as visitor messages, operator answers, visitor names, emails and
 * trail titles/URLs, shown in the widget and in the admin (inbox row, conversation, visitor
 * card) with a dialog hook and no `javascript:` links; CR/LF in outbound email names,
 * subjects and addresses and in what reaches HTTP headers; forged reply addresses, mail from
 * another sender (held, then accepted in the admin) and duplicate inbound delivery through
 * wrangler's local email endpoint. Prints one tally line as test/security/*.test.ts do.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tally } from "../security/tally";
import { AdminPage } from "./admin-support/admin-page";
import { replyAddress } from "./admin-support/reply-address";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor, identityHash, type ApiVisitor } from "./admin-support/visitor-api";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";

const t = tally("browser (XSS in widget and admin, header injection, forged reply addresses, duplicate delivery)");

/** Every payload tries to open a dialog: the page's dialog hook fails the test if one runs. */
const PAYLOADS = [
  `<script>alert('script')</script>`,
  `<img src=x onerror="alert('img')">`,
  `<svg onload="alert('svg')"><circle r=9></svg>`,
  `<a href="javascript:alert('link')">click</a>`,
  `javascript:alert('bare')`,
  `<iframe srcdoc="<script>parent.alert('srcdoc')</script>"></iframe>`,
  `<div style="background:url(javascript:alert('css'));width:expression(alert('expr'))">css</div>`,
  `<style>@import 'javascript:alert("style")';</style>`,
  `"><img src=x onerror=alert('attr')>`,
  `' onmouseover='alert("attr2")' autofocus onfocus='alert("focus")`,
  `\u202Egnp.exe\u202C <b onclick="alert('rtl')">rtl</b>`,
  `[click me](javascript:alert('md'))`,
  `![x](x" onerror="alert('mdimg'))`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>`,
  `<details open ontoggle="alert('toggle')">d</details>`,
  `https://shop.example/?q="><script>alert('url')</script>`,
];

/** Elements and attributes that would mean markup from a payload became live. */
const LIVE =
  'a[href^="javascript:" i], iframe, script:not([type="module"]), img[onerror], svg[onload], [onclick], [onmouseover], [onfocus], [ontoggle], details, mglyph, [style*="expression"], [style*="javascript"]';

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
const visitors: ApiVisitor[] = [];

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  expect((await owner.api("PUT", "/autoreply", { schedule: { timezone: "UTC", week: {} }, rules: [] })).status).toBe(
    200,
  );
  expect((await owner.api("PUT", "/email-settings", { followupDelayMinutes: 0 })).status).toBe(200);
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await server?.stop();
});

/**
 * The elements matching `selector` a page has, shadow roots included (their opening tags);
 * within the shadow root of `host` only when given (the shop page's own scripts are not ours).
 */
function deepFind(page: AdminPage["page"], selector: string, host?: string): Promise<string[]> {
  return page.evaluate(
    ({ sel, host }) => {
      const found: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll(sel)) found.push(el.outerHTML.slice(0, 160));
        for (const el of root.querySelectorAll("*")) if (el.shadowRoot) walk(el.shadowRoot);
      };
      const start = host ? document.querySelector(host)?.shadowRoot : document;
      if (!start) throw new Error(`no ${host} on the page`);
      walk(start);
      return found;
    },
    { sel: selector, host },
  );
}

/** An operator's conversation socket from Node (the owner's cookie, the admin's origin). */
async function operatorSocket(
  conversationId: string,
): Promise<{ ws: WebSocket; say(text: string): Promise<void>; frames: any[] }> {
  const cookie = (await owner.context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join("; ");
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/v1/admin/conversations/${conversationId}/ws`, {
    headers: { Cookie: cookie, Origin: server.url },
  } as any);
  const frames: any[] = [];
  const acks = new Map<string, () => void>();
  ws.onmessage = (e) => {
    const f = JSON.parse(String(e.data));
    frames.push(f);
    if (f.type === "ack") acks.get(f.clientId)?.();
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("operator socket refused"));
  });
  ws.send(JSON.stringify({ type: "hello", lastSeq: 0 }));
  return {
    ws,
    frames,
    say: (text) =>
      new Promise<void>((resolve) => {
        const clientId = `sec-${Math.random().toString(36).slice(2)}`;
        acks.set(clientId, resolve);
        ws.send(JSON.stringify({ type: "message", clientId, text }));
      }),
  };
}

/** POSTs a raw message to wrangler's local email endpoint (it runs the Worker's email()). */
function deliver(to: string, raw: string, from = "ann@example.com"): Promise<Response> {
  return fetch(`${server.url}/cdn-cgi/handler/email?${new URLSearchParams({ from, to })}`, {
    method: "POST",
    body: raw.replace(/\r?\n/g, "\r\n"),
  });
}

function replyMail(to: string, o: { from?: string; id?: string; text?: string } = {}): string {
  return (
    `From: ${o.from ?? "Ann <ann@example.com>"}\nTo: ${to}\nSubject: Re: New answer\nMessage-ID: ${o.id ?? `<${Math.random().toString(36).slice(2)}@example.com>`}\n` +
    `MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${o.text ?? "Thanks!"}\n`
  );
}

describe("XSS payloads in the admin", () => {
  it("shows visitor names, messages, page titles and URLs as text in the inbox row, the conversation and the visitor card", async () => {
    const { body } = await owner.api("POST", "/settings/identity-secret");
    const half = PAYLOADS.length / 2;
    for (let i = 0; i < half; i++) {
      const [a, b] = [PAYLOADS[i]!, PAYLOADS[i + half]!];
      const name = `${a} ${b}`.slice(0, 120);
      const userId = `sec-${i}`;
      const v = await apiVisitor(server.url, "demo", {
        identity: { userId, name, hash: identityHash(body.identitySecret, userId) },
        trail: {
          landing: a,
          referrer: b,
          utm: { source: a },
          pages: [
            { url: `https://shop.example/p?q=${encodeURIComponent(a)}`, title: a, at: Date.now() },
            { url: `https://shop.example/${b}`, title: b, at: Date.now() },
          ],
        },
      });
      visitors.push(v);
      await v.say(a);
      await v.say(b);
      const row = owner.row(v.conversationId);
      await row.waitFor();
      expect(await row.locator(".name").textContent()).toBe(name.trim());
      await owner.openConversation(v.conversationId);
      for (const text of [a, b]) {
        const bubble = owner.thread().filter({ hasText: text.slice(0, 20) });
        await bubble.first().waitFor();
        const shown = await bubble.allTextContents();
        t.probe(shown.includes(text));
        expect(shown, text).toContain(text);
      }
      const card = owner.page.locator("ec-visitor-card");
      // The card loads after the conversation opens: wait for this visitor's pages.
      await expect
        .poll(async () => (await card.locator("ol li").allTextContents()).join("\n"), { timeout: 10_000 })
        .toContain(b);
      const titles = await card.locator("ol li").allTextContents();
      for (const text of [a, b]) {
        t.probe(titles.some((x) => x.includes(text)));
        expect(titles.join("\n")).toContain(text);
      }
    }
    const live = await deepFind(owner.page, LIVE);
    t.probe(live.length === 0 && owner.dialogs.length === 0);
    expect(live).toEqual([]);
    expect(owner.dialogs).toEqual([]);
    expect(owner.errors).toEqual([]);
  });

  it("refuses payloads as emails, and shows an odd but valid email as text with an encoded mailto link", async () => {
    const v = visitors[0]!;
    const nasty = [
      "<script>alert(1)</script>@x.example",
      "a@x.example\r\nBcc: evil@x.example",
      "javascript:alert(1)//@x.example",
      '"><img src=x onerror=alert(1)>@x.example',
    ];
    for (const email of nasty) {
      const res = await fetch(`${server.url}/api/v1/sites/demo/sessions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: server.url },
        body: JSON.stringify({ identity: { userId: "sec-mail", email, hash: "0".repeat(64) } }),
      });
      t.status(res);
      expect(res.status, email).toBe(400);
    }
    const odd = "o'onmouseover'alert'x@example.com";
    const { body } = await owner.api("POST", "/settings/identity-secret");
    const w = await apiVisitor(server.url, "demo", {
      identity: { userId: "sec-odd", email: odd, hash: identityHash(body.identitySecret, "sec-odd") },
    });
    visitors.push(w);
    await w.say("my email is odd");
    await owner.row(w.conversationId).waitFor();
    await owner.openConversation(w.conversationId);
    const link = owner.page.locator("ec-visitor-card a[href^='mailto:']");
    await link.waitFor();
    expect(await link.textContent()).toBe(odd);
    const live = await deepFind(owner.page, LIVE);
    t.probe(live.length === 0 && owner.dialogs.length === 0);
    expect(live).toEqual([]);
    expect(v.conversationId).not.toBe(w.conversationId);
  });
});

describe("XSS payloads in the widget", () => {
  it("shows the visitor's own payloads and an operator's answers as text, with no live markup", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    for (const text of PAYLOADS.slice(0, 8)) {
      await visitor.send(text);
      await expect.poll(() => visitor.texts()).toContain(text);
    }
    const session = (await visitor.session())!;
    const op = await operatorSocket(session.conversationId);
    for (const text of PAYLOADS.slice(8)) await op.say(text);
    await expect.poll(() => visitor.texts(), { timeout: 20_000 }).toEqual(expect.arrayContaining(PAYLOADS.slice(8)));
    const texts = await visitor.texts();
    for (const text of PAYLOADS) t.probe(texts.includes(text));
    expect(PAYLOADS.filter((text) => !texts.includes(text))).toEqual([]);
    const live = await deepFind(visitor.page, LIVE, "edge-chat");
    t.probe(live.length === 0 && visitor.dialogs.length === 0);
    expect(live).toEqual([]);
    expect(visitor.dialogs).toEqual([]);
    // The same conversation in the admin: the widget's words arrive as text there too.
    await owner.row(session.conversationId).waitFor();
    await owner.openConversation(session.conversationId);
    await owner.thread().filter({ hasText: "rtl" }).first().waitFor();
    expect(await deepFind(owner.page, LIVE)).toEqual([]);
    expect(owner.dialogs).toEqual([]);
    op.ws.close();
    await visitor.close();
  });
});

describe("header injection", () => {
  it("keeps CR/LF out of outbound email: addresses refused, names and subjects encoded", async () => {
    const { body } = await owner.api("POST", "/settings/identity-secret");
    const email = "hdr@example.com";
    const userId = "sec-hdr";
    const v = await apiVisitor(server.url, "demo", {
      identity: {
        userId,
        email,
        name: "Ann\r\nBcc: evil@evil.example\r\nX-Injected: name",
        hash: identityHash(body.identitySecret, `${userId}\n${email}`),
      },
    });
    visitors.push(v);
    await v.say("please email me");
    v.close();
    const site = await owner.api("PUT", "/settings", { name: "Shop\r\nBcc: evil@evil.example\r\nX-Injected: subject" });
    t.probe(site.status === 400 || site.status === 200, site.status);
    for (const to of [
      "ann@example.com\r\nBcc: evil@evil.example",
      "ann@example.com\nX-Injected: to",
      "ann@example.com%0d%0aBcc:evil@evil.example",
      "<ann@example.com>,evil@evil.example",
    ]) {
      const res = await owner.api("POST", `/conversations/${v.conversationId}/transcript`, { to });
      t.status(res.status);
      expect(res.status, to).toBe(400);
    }
    const op = await operatorSocket(v.conversationId);
    await op.say("Sure, here is the answer.");
    expect((await owner.api("POST", `/conversations/${v.conversationId}/transcript`, {})).status).toBe(200);
    let mails: any[] = [];
    await expect
      .poll(
        async () => {
          mails = (await owner.api("GET", "/outbox")).body.messages.filter(
            (m: any) => m.conversationId === v.conversationId,
          );
          return mails.map((m) => m.kind).sort();
        },
        { timeout: 30_000 },
      )
      .toEqual(["followup", "transcript"]);
    for (const m of mails) {
      const head = String(m.raw).split("\r\n\r\n")[0]!;
      // CR/LF become spaces inside the Subject or a quoted display name: text, not a header.
      const to = (/^To: (.*(?:\r\n[ \t].*)*)/m.exec(head)?.[1] ?? "").replace(/"(?:[^"\\]|\\.)*"/g, "");
      const injected = /^(bcc|x-injected):/im.test(head) || /evil@evil\.example/i.test(to);
      t.probe(!injected);
      expect(head, m.kind).not.toMatch(/^(bcc|x-injected):/im);
    }
    if (site.status === 200) await owner.api("PUT", "/settings", { name: "Demo shop" });
    op.ws.close();
  });

  it("never lets a request put a header into a response", async () => {
    const probes: Array<[string, RequestInit]> = [
      [
        "/api/v1/sites/demo%0d%0aX-Injected:%201/sessions",
        { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Origin: server.url } },
      ],
      [
        "/api/v1/sites/demo/sessions",
        {
          method: "POST",
          body: "{}",
          headers: { "Content-Type": "application/json", Origin: "http://x%0d%0aX-Injected:%201" },
        },
      ],
      ["/api/v1/unsubscribe?t=%0d%0aX-Injected:%201", {}],
      ["/admin/%0d%0aX-Injected:%201", {}],
      ["/api/v1/admin/conversations/%0d%0aX-Injected:%201/ws", { headers: { Origin: server.url } }],
      ["/%0d%0aSet-Cookie:%20injected=1", {}],
      [
        "/api/v1/admin/login?next=%0d%0aLocation:%20https://evil.example",
        { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Origin: server.url } },
      ],
    ];
    for (const [path, init] of probes) {
      const res = await fetch(`${server.url}${path}`, { ...init, redirect: "manual" });
      const leaked =
        res.headers.has("x-injected") ||
        /injected/i.test(res.headers.get("set-cookie") ?? "") ||
        /evil\.example/.test(res.headers.get("location") ?? "");
      t.probe(!leaked, res.status);
      expect(leaked, path).toBe(false);
      expect(res.status, path).toBeLessThan(500);
    }
  });
});

describe("inbound email through the local endpoint", () => {
  it("rejects forged reply addresses, stores a duplicate delivery once, and holds another sender's mail until an operator accepts it", async () => {
    const visitor = await Visitor.open(browser, server);
    await visitor.openChat();
    await visitor.send("Do you have the lamp in blue?");
    await expect.poll(() => visitor.states()).toContain("Sent");
    const session = (await visitor.session())!;
    const tab = await operatorSocket(session.conversationId);
    await tab.say("Yes. Leave your email and I will send the link.");
    // The visitor leaves their email (as the widget's email form does, from a second tab).
    const ws = new WebSocket(
      `${server.url.replace(/^http/, "ws")}/api/v1/conversations/${session.conversationId}/ws?token=${encodeURIComponent(session.visitorToken)}`,
    );
    await new Promise((r) => (ws.onopen = r));
    ws.send(JSON.stringify({ type: "contact", email: "ann@example.com" }));
    await new Promise((r) => setTimeout(r, 300));
    ws.close();

    const to = replyAddress(session.conversationId, server.vars.TOKEN_SECRET!, server.vars.INBOUND_DOMAIN!);
    const [, id, day, sig] = /^reply\+([a-z0-9]+)\.(\d+)\.([a-z2-7]+)@/.exec(to)!;
    const domain = server.vars.INBOUND_DOMAIN!;
    const flipped = sig!.slice(0, -1) + (sig!.endsWith("a") ? "b" : "a");
    const forged = [
      `reply+${id}.${day}.${flipped}@${domain}`,
      `reply+${id}.${Number(day) + 1}.${sig}@${domain}`,
      `reply+${"0".repeat(64)}.${day}.${sig}@${domain}`,
      `reply+${id}.${sig}@${domain}`,
      replyAddress(session.conversationId, "not-the-secret", domain),
      replyAddress(session.conversationId, server.vars.TOKEN_SECRET!, domain, Date.now() - 200 * 86_400_000),
      `support@${domain}`,
    ];
    for (const address of forged) {
      const res = await deliver(address, replyMail(address, { text: `forged ${address}` }));
      t.status(res);
      expect(res.status, address).toBe(400);
    }

    const once = replyMail(to, { id: "<dup@example.com>", text: "Blue, two please." });
    for (let i = 0; i < 4; i++) expect((await deliver(to, once)).status).toBe(200);
    await expect.poll(() => visitor.texts(), { timeout: 20_000 }).toContain("Blue, two please.");
    const copies = (await visitor.texts()).filter((x) => x === "Blue, two please.").length;
    for (let i = 1; i < 4; i++) t.probe(copies === 1);
    expect(copies).toBe(1);

    const stranger = replyMail(to, {
      from: "Mallory <mallory@evil.example>",
      text: "Cancel my order and refund to IBAN XX00.",
    });
    expect((await deliver(to, stranger, "mallory@evil.example")).status).toBe(200);
    await owner.row(session.conversationId).waitFor();
    await owner.openConversation(session.conversationId);
    const held = owner.page.locator("ec-conversation .msg.held", { hasText: "IBAN" });
    await held.waitFor();
    expect((await held.locator(".held-note").textContent())?.replace(/\s+/g, " ").trim()).toBe(
      "from a different address: mallory@evil.example — accept · discard",
    );
    await new Promise((r) => setTimeout(r, 500));
    const before = await visitor.texts();
    t.probe(!before.some((x) => x.includes("IBAN")));
    expect(before.join("\n")).not.toContain("IBAN");
    await owner.screenshot("admin-desktop-email-held");
    await held.locator("button.accept-email").click();
    await expect.poll(() => visitor.texts(), { timeout: 20_000 }).toContain("Cancel my order and refund to IBAN XX00.");
    await expect.poll(() => owner.page.locator("ec-conversation .msg.held").count()).toBe(0);
    expect(await owner.thread().filter({ hasText: "IBAN" }).count()).toBe(1);
    expect(visitor.dialogs).toEqual([]);
    tab.ws.close();
    await visitor.close();
  });
});
