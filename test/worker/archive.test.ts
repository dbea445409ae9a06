/**
 * The site archive: export → import into a fresh site → export again gives the same records
 * once ids and the export's own time are normalised (every conversation, message, note and
 * file survives); a dry run reports without changing anything; truncated, tampered, foreign,
 * wrong-version and too-large archives are refused with nothing imported, an archive of the
 * previous version is read; only the owner may export or import. Also the conversations'
 * and contacts' CSV.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { conversationStub, siteStub } from "../../worker/lib/jurisdiction";
import { addOperator, call, expectJson } from "./admin-helpers";
import * as fx from "./files-fixtures";
import {
  BASE,
  createSite,
  eventually,
  login,
  ORIGIN,
  operatorSocket,
  pluginRequest,
  startSession,
  visitorSocket,
  type Grant,
} from "./helpers";

const A = "archive-a";
let ownerA: string;
let exported: string;

async function exportOf(cookie: string): Promise<string> {
  const res = await call("GET", "/data/export", cookie);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Disposition")).toMatch(/attachment; filename="edgechat-.*\.jsonl"/);
  return res.text();
}

function importArchive(cookie: string, body: string | Uint8Array, dryRun = false): Promise<Response> {
  // A site this small commits within the first answer's time budget (`done: true`).
  return SELF.fetch(`${BASE}/api/v1/admin/data/import${dryRun ? "?dryRun=1" : ""}`, {
    method: "POST",
    headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-ndjson" },
    body,
  });
}

/** A visitor's conversation with an operator's answer and note; resolves once the inbox lists it. */
async function conversation(siteKey: string, operator: string, visitorText: string, file = false): Promise<Grant> {
  const visit = { landing: "https://shop.example/", pages: [{ url: "https://shop.example/", at: Date.now() }] };
  const grant = await startSession(siteKey, { locale: "en", visit });
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say(visitorText);
  await tab.say(`${visitorText} — and one more thing, "quoted", 💬`);
  const op = await operatorSocket(operator, grant.conversationId);
  await op.hello();
  await op.say("Happy to help");
  op.send({ type: "note", clientId: crypto.randomUUID(), text: "internal: VIP customer" });
  await op.next("ack");
  if (file) {
    const q = new URLSearchParams({ token: grant.visitorToken, name: "photo.png", clientId: crypto.randomUUID() });
    const up = await SELF.fetch(`${BASE}/api/v1/conversations/${grant.conversationId}/files?${q}`, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/octet-stream" },
      body: fx.png(),
    });
    expect(up.status, await up.clone().text()).toBe(201);
  }
  tab.close();
  op.close();
  await eventually(async () => {
    const listed = await siteStub(env, siteKey).hasConversation(grant.conversationId);
    expect(listed).toBe(true);
  });
  return grant;
}

/**
 * The records of an archive with what differs between two sites put aside: the export's
 * time and site key, the files' seals, the trailer's checksum, and ids the import gave anew (conversation,
 * operator and department ids, written as the visitor, email or name they stand for).
 * Sorted, since conversations are listed by id.
 */
function normalised(archive: string): string[] {
  const lines = archive.trimEnd().split("\n");
  const records = lines.map((l) => JSON.parse(l));
  const ids = new Map<string, string>();
  for (const r of records) {
    if (r.kind === "conversation") ids.set(r.id, `<conversation of ${r.row.visitor_id} at ${r.row.created_at}>`);
    if (r.kind === "operator") ids.set(r.row.id, `<operator ${r.row.email}>`);
    if (r.kind === "department") ids.set(r.row.id, `<department ${r.row.name}>`);
  }
  return records
    .filter((r) => r.kind !== "trailer")
    .map((r) => {
      if (r.kind === "header") return JSON.stringify({ ...r, exportedAt: "<time>", site: { ...r.site, key: "<key>" } });
      // The importing owner keeps their own account: its creation time is this site's.
      if (r.kind === "operator" && r.row.role === "owner") r.row.created_at = "<owner's>";
      // A file's seal names the site that wrote it.
      if (r.kind === "file") r.seal = "<seal>";
      // A day's figures are a map whose keys come in the order conversations were counted.
      if (r.kind === "reportDay") r.row.row = JSON.stringify(sortedKeys(JSON.parse(r.row.row)));
      let text = JSON.stringify(r);
      for (const [id, name] of ids) text = text.replaceAll(id, name);
      return text;
    })
    .sort();
}

/** Runs `read` on a Site object's SQLite. */
function runInSite<T>(siteKey: string, read: (sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(siteStub(env, siteKey), (_site, state) => read(state.storage.sql));
}

/** An archive's records, parsed, the trailer left out. */
function recordsOf(archive: string): any[] {
  return archive
    .trimEnd()
    .split("\n")
    .slice(0, -1)
    .map((l) => JSON.parse(l));
}

/** Lines with a trailer that matches them. */
async function withTrailer(lines: string[]): Promise<string> {
  const body = lines.map((l) => `${l}\n`).join("");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${body}${JSON.stringify({ kind: "trailer", records: lines.length, sha256 })}\n`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortedKeys(v)]),
    );
  return value;
}

beforeAll(async () => {
  const { pluginSecret } = await createSite(A);
  ownerA = await login(A);
  const op = await addOperator(A, ownerA, "operator", "Olga");
  const { department } = await expectJson(
    call("POST", "/departments", ownerA, { name: "Sales", operatorIds: [op.id] }),
    201,
  );
  await expectJson(call("PUT", "/routing", ownerA, { auto: false, defaultDepartmentId: department.id }), 200);
  await expectJson(
    call("POST", "/canned", ownerA, { shortcut: "hi", title: "Hello", text: "Hello, how can I help?" }),
    201,
  );
  await expectJson(
    call("POST", "/bot/kb", ownerA, {
      questions: ["Do you ship to Riga?"],
      answer: "Yes, in 3 days.",
      tags: ["shipping"],
      lang: "en",
    }),
    201,
  );
  // Lead settings with secrets, and the department named by the lead emails and the scenario.
  await expectJson(
    call("PUT", "/bot/settings", ownerA, {
      enabled: false,
      leads: {
        webhookUrl: "https://crm.example/hook",
        webhookSecret: "s3cr3t-webhook-signing-key-0123",
        bitrix24Url: "https://shop.bitrix24.ru/rest/1/PRIVATE-TOKEN-abc123/",
        departmentEmails: { [department.id]: "sales@shop.example" },
      },
    }),
    200,
  );
  await expectJson(
    call("PUT", "/bot/scenario", ownerA, {
      enabled: false,
      start: "hello",
      steps: [
        {
          id: "hello",
          type: "buttons",
          text: "Hi!",
          buttons: [{ label: "Sales", action: "department", department: department.id }],
        },
      ],
    }),
    200,
  );
  await expectJson(
    call("PUT", "/greetings", ownerA, {
      rules: [{ id: "lamps", text: { en: "Questions about lamps?" }, pages: ["/lamps/*"], delaySeconds: 5 }],
    }),
    200,
  );
  await siteStub(env, A).unsubscribe("no-more-mail@example.com");
  const first = await conversation(A, op.cookie, "Where is my order 1234?", true);
  await conversation(A, ownerA, "Do you have size M?");
  await conversation(A, op.cookie, "Привет! Есть доставка?");
  await expectJson(
    call("POST", `/conversations/${first.conversationId}/assign`, ownerA, { departmentId: department.id }),
    200,
  );
  await expectJson(call("POST", `/conversations/${first.conversationId}/resolve`, ownerA), 200);
  await eventually(async () => {
    const { conversations } = await expectJson(call("GET", "/conversations?status=resolved", ownerA), 200);
    expect(conversations).toHaveLength(1);
  });
  const lead = { conversationId: first.conversationId, visitorId: first.visitorId, department: null };
  await siteStub(env, A).botLeadField(lead, "email", "buyer@example.com");
  // What a visitor types as their name lands in the contacts' CSV.
  await siteStub(env, A).botLeadField(lead, "name", "Bob;=cmd|' /C calc'!A0;");
  const order = { type: "order_placed", orderId: "7001", visitorId: first.visitorId, total: 42.5, currency: "EUR" };
  expect((await pluginRequest("POST", `/api/v1/sites/${A}/events`, pluginSecret, JSON.stringify(order))).status).toBe(
    202,
  );
  // The Site's figures follow each conversation's coalesced summaries: export once they settled
  // (two exports a second apart agree), so the archive's day rows count every answer.
  let settled = "";
  await eventually(async () => {
    const now = await exportOf(ownerA);
    const same = settled !== "" && normalised(now).join("\n") === normalised(settled).join("\n");
    settled = now;
    if (!same) await new Promise((r) => setTimeout(r, 1000));
    expect(same).toBe(true);
  }, 20_000);
  exported = settled;
});

describe("export", () => {
  it("is one archive: header, every kind of record, trailer; no password hash or secret", () => {
    const records = exported
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ kind: "header", format: "edgechat-site-archive", version: 3, site: { key: A } });
    expect(records.at(-1)).toMatchObject({ kind: "trailer", records: records.length - 1 });
    const kinds = new Set(records.map((r) => r.kind));
    for (const k of [
      "setting",
      "unsubscribed",
      "operator",
      "department",
      "canned",
      "kb",
      "contact",
      "lead",
      "order",
      "visitorDay",
      "conversation",
      "message",
      "file",
    ])
      expect(kinds, k).toContain(k);
    expect(records.filter((r) => r.kind === "conversation")).toHaveLength(3);
    // 2 visitor messages, an answer and a note in each, and the file's message in one.
    expect(records.filter((r) => r.kind === "message")).toHaveLength(13);
    expect(exported).not.toMatch(/pw_hash|pw_salt|identity_secret|plugin_secret|token_hash|manage_hash/);
    const file = records.find((r) => r.kind === "file");
    expect(file.path).toBe(`/api/v1/admin/conversations/${file.conversation}/files/${file.row.id}`);
    expect(file.seal).toMatch(/^[\w-]{43}$/);
    // The bot's lead settings travel without the webhook's secret and the Bitrix24 link (its token).
    const bot = records.find((r) => r.kind === "setting" && r.key === "bot");
    expect(bot.value.leads).toMatchObject({ webhookUrl: "https://crm.example/hook" });
    expect(exported).not.toContain("s3cr3t-webhook-signing-key-0123");
    expect(exported).not.toContain("PRIVATE-TOKEN-abc123");
  });

  it("gives the conversations and contacts as CSV", async () => {
    const conversations = await call("GET", "/data/conversations.csv", ownerA);
    expect(conversations.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const rows = (await conversations.text()).trimEnd().split("\r\n");
    expect(rows[0]).toMatch(/^id,visitor_id,status,channel,created_at/);
    expect(rows).toHaveLength(4);
    expect(rows.join("\n")).toContain(",resolved,");
    expect(rows.join("\n")).toContain(",Sales,");
    const contacts = (await (await call("GET", "/data/contacts.csv", ownerA)).text()).trimEnd().split("\r\n");
    expect(contacts[0]).toMatch(/^visitor_id,user_id,email,name/);
    expect(contacts).toHaveLength(2); // the visitor who left an email
    // A spreadsheet whose list separator is ';' (de, fr, ru…) reads the name as one text cell.
    expect(contacts[1]).toContain(`,buyer@example.com,"Bob;=cmd|' /C calc'!A0;",`);
  });

  it("is the owner's alone", async () => {
    const admin = await addOperator(A, ownerA, "admin");
    for (const path of ["/data/export", "/data/conversations.csv", "/data/contacts.csv"]) {
      const res = await call("GET", path, admin.cookie);
      expect(res.status, path).toBe(403);
    }
    const refused = await importArchive(admin.cookie, exported, true);
    expect(refused.status).toBe(403);
    expect(await call("GET", "/data/export", null).then((r) => r.status)).toBe(401);
  });

  it("pages a conversation of long messages by their characters too, and still has every message once, in order", async () => {
    const site = "archive-long";
    await createSite(site);
    const owner = await login(site);
    const grant = await conversation(site, owner, "The long one");
    const stub = conversationStub(env, grant.conversationId)!;
    // 600 messages of ~4,000 characters (long emails): 2.4 million characters in all.
    const long = "ж".repeat(3_990);
    await runInDurableObject(stub, async (_object, state) => {
      const sql = state.storage.sql;
      const after = sql.exec<{ last: number }>("SELECT MAX(seq) AS last FROM messages").one().last;
      for (let i = 1; i <= 600; i++)
        sql.exec(
          "INSERT INTO messages (seq, author_kind, text, at) VALUES (?, 'visitor', ?, ?)",
          after + i,
          `${i} ${long}`,
          Date.now(),
        );
    });
    // Before, a page was 500 messages whatever their size; 25 conversations at once like this one
    // would have been 50 million characters in the Site's memory.
    const first = (await stub.archivePage(site, 0)) as { messages: unknown[]; more: boolean };
    expect(first.more).toBe(true);
    expect(first.messages.length).toBeGreaterThan(200);
    expect(first.messages.length).toBeLessThan(300);
    const records = (await exportOf(owner))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((r) => r.kind === "message" && r.conversation === grant.conversationId);
    expect(records.length).toBe(604);
    expect(records.slice(4).map((r) => Number(String(r.row.text).split(" ")[0]))).toEqual(
      Array.from({ length: 600 }, (_, i) => i + 1),
    );
  });
});

describe("import", () => {
  it("round-trips: export → import into a fresh site → export is the same archive", async () => {
    const B = "archive-b";
    await createSite(B);
    const ownerB = await login(B);
    const before = await exportOf(ownerB);

    const dry = await expectJson(importArchive(ownerB, exported, true), 200);
    expect(dry.report).toMatchObject({
      dryRun: true,
      source: { key: A },
      records: { conversation: 3, message: 13, file: 1 },
    });
    expect(dry.report.conflicts).toContainEqual(
      expect.objectContaining({ kind: "operator", resolution: expect.stringMatching(/kept/) }),
    );
    // Before anything changes, the owner sees who will be able to sign in here.
    expect(dry.report.newAccounts).toEqual([{ email: "operator1@shop.example", role: "operator" }]);
    // The archive's lead webhook arrives without its secret, and this site has none: said so.
    expect(dry.report.conflicts).toContainEqual(
      expect.objectContaining({ kind: "setting", key: "bot.leads.webhookSecret" }),
    );
    expect(await exportOf(ownerB).then(normalised)).toEqual(normalised(before)); // a dry run changes nothing

    const done = await expectJson(importArchive(ownerB, exported), 200);
    expect(done).toMatchObject({ done: true, report: { state: "imported" } });
    const again = await exportOf(ownerB);
    expect(normalised(again)).toEqual(normalised(exported));

    // The imported conversations are live: listed, searchable, open to an operator, files readable.
    const { conversations } = await expectJson(call("GET", "/conversations", ownerB), 200);
    expect(conversations).toHaveLength(3);
    const found = await expectJson(call("GET", `/search?q=${encodeURIComponent("size M")}`, ownerB), 200);
    expect(found.conversations).toHaveLength(1);
    const withFile = JSON.parse(again.split("\n").find((l) => l.includes('"kind":"file"'))!);
    const redirect = await SELF.fetch(`${BASE}${withFile.path}`, { headers: { Cookie: ownerB }, redirect: "manual" });
    expect(redirect.status).toBe(302);
    const file = await SELF.fetch(redirect.headers.get("Location")!);
    expect(file.status, await file.clone().text()).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(fx.png());
    const op = await operatorSocket(ownerB, conversations[0].id);
    const welcome = await op.hello();
    expect(welcome.messages.length).toBeGreaterThanOrEqual(4);
    op.close();
    // The bot's lead emails and scenario name the department by its new id; no secret came along.
    const { departments } = await expectJson(call("GET", "/departments", ownerB), 200);
    const sales = departments.find((d: { name: string }) => d.name === "Sales");
    const { settings } = await expectJson(call("GET", "/bot/settings", ownerB), 200);
    expect(settings.leads).toEqual({
      webhookUrl: "https://crm.example/hook",
      departmentEmails: { [sales.id]: "sales@shop.example" },
    });
    const { scenario } = await expectJson(call("GET", "/bot/scenario", ownerB), 200);
    expect(scenario.steps[0].buttons[0].department).toBe(sales.id);
    // The greetings came along, and who unsubscribed stays unsubscribed on the new site.
    const { rules } = await expectJson(call("GET", "/greetings", ownerB), 200);
    expect(rules.map((r: { id: string }) => r.id)).toEqual(["lamps"]);
    const unsubscribed = await runInSite(B, (sql) => sql.exec("SELECT email FROM unsubscribed").toArray());
    expect(unsubscribed).toEqual([{ email: "no-more-mail@example.com" }]);
    // The same archive again would list everything twice: refused.
    const twice = await expectJson(importArchive(ownerB, exported), 409);
    expect(twice.error.code).toBe("archive_imported");
    expect((await expectJson(call("GET", "/conversations", ownerB), 200)).conversations).toHaveLength(3);
    // An imported operator exists, with no password anyone knows.
    const { operators } = await expectJson(call("GET", "/team", ownerB), 200);
    expect(operators.map((o: { name: string }) => o.name)).toContain("Olga");
  });

  it("shows nothing of an import stopped half-way, refuses another until it is resumed or discarded", async () => {
    const D = "archive-d";
    await createSite(D);
    const ownerD = await login(D);
    const site = siteStub(env, D);
    const [header, ...records] = recordsOf(exported);
    const actor = { id: "op", name: "Owner", role: "owner" as const };
    const begun = await site.beginImport(actor, header, false);
    if ("error" in begun) throw new Error(begun.error.message);
    expect(await site.stageImport(begun.id, records)).toEqual({ ok: true });
    await site.importStaged(begun.id);
    const step = await site.importStep(begun.id); // the conversations are restored; the commit is the next step
    expect(step).toMatchObject({ done: false, restored: 3 });

    // As if the request died here: the site shows none of it, and the next import waits.
    expect(await expectJson(call("GET", "/conversations", ownerD), 200)).toEqual({ conversations: [] });
    const blocked = await expectJson(importArchive(ownerD, exported, true), 409);
    expect(blocked.error.code).toBe("import_unfinished");
    const restored = await runInSite(D, (sql) =>
      sql.exec<{ target_id: string }>("SELECT target_id FROM archive_ids WHERE kind = 'conversation'").toArray(),
    );
    expect(restored).toHaveLength(3);
    for (const { target_id } of restored) expect(await conversationStub(env, target_id)!.belongsTo(D)).toBe("yes");

    await expectJson(call("DELETE", `/data/import/${begun.id}`, ownerD), 200);
    for (const { target_id } of restored) expect(await conversationStub(env, target_id)!.belongsTo(D)).toBe("none");
    expect(await runInSite(D, (sql) => sql.exec("SELECT * FROM archive_staged").toArray())).toEqual([]);
    // And an import runs again from the start.
    const done = await expectJson(importArchive(ownerD, exported), 200);
    expect(done.report.state).toBe("imported");
    expect((await expectJson(call("GET", "/conversations", ownerD), 200)).conversations).toHaveLength(3);
  });

  it("reads an archive of version 1 (before orders and visitor counts)", async () => {
    const lines = exported
      .trimEnd()
      .split("\n")
      .slice(0, -1)
      .filter((l) => !/"kind":"(order|visitorDay)"/.test(l));
    lines[0] = lines[0]!.replace('"version":3', '"version":1');
    const E = "archive-e";
    await createSite(E);
    const ownerE = await login(E);
    const done = await expectJson(importArchive(ownerE, await withTrailer(lines)), 200);
    expect(done).toMatchObject({ done: true, report: { state: "imported", records: { conversation: 3 } } });
  });

  it("carries the shop's orders and the widget's visitor counts, so conversion reads the same", async () => {
    const [order] = exported
      .split("\n")
      .filter((l) => l.includes('"kind":"order"'))
      .map((l) => JSON.parse(l));
    expect(order.row).toMatchObject({ order_id: "7001", total: 42.5, currency: "EUR" });
    const B = "archive-b";
    const ownerB = await login(B);
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date());
    const q = `?from=${day}&to=${day}`;
    const a = (await expectJson(call("GET", `/reports${q}`, ownerA), 200)).figures.conversion;
    const b = (await expectJson(call("GET", `/reports${q}`, ownerB), 200)).figures.conversion;
    expect(a).toMatchObject({ visitors: 3, orders: 1, attributedOrders: 1, attributedRevenue: 42.5 });
    expect(b).toEqual(a);
  });

  it("copies a file's bytes only for a record this deployment sealed: a hand-made archive naming another site's file gets none", async () => {
    const records = recordsOf(exported);
    const file = records.find((r) => r.kind === "file");
    const forged = [
      records[0], // site A's header, as anyone who knows its key can write
      records.find((r) => r.kind === "conversation" && r.id === file.conversation),
      { ...file, seal: undefined },
    ];
    const T = "archive-thief";
    await createSite(T);
    const ownerT = await login(T);
    await expectJson(importArchive(ownerT, await withTrailer(forged.map((r) => JSON.stringify(r)))), 200);
    const { conversations } = await expectJson(call("GET", "/conversations", ownerT), 200);
    const path = `/api/v1/admin/conversations/${conversations[0].id}/files/${file.row.id}`;
    const redirect = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: ownerT }, redirect: "manual" });
    const bytes =
      redirect.status === 302 ? await SELF.fetch(redirect.headers.get("Location")!).then((r) => r.status) : 404;
    expect(bytes).toBe(404); // listed in the conversation, but no copy of site A's file
  });

  it("restores a site's own backup of before the seals (version 2) with its files' bytes", async () => {
    const N = "archive-n";
    await createSite(N);
    const ownerN = await login(N);
    const original = await conversation(N, ownerN, "Here is the photo", true);
    const records = recordsOf(await exportOf(ownerN));
    records[0].version = 2;
    for (const r of records) if (r.kind === "file") delete r.seal;
    await expectJson(importArchive(ownerN, await withTrailer(records.map((r) => JSON.stringify(r)))), 200);
    const { conversations } = await expectJson(call("GET", "/conversations", ownerN), 200);
    const restored = conversations.find((c: { id: string }) => c.id !== original.conversationId);
    const file = records.find((r) => r.kind === "file");
    const path = `/api/v1/admin/conversations/${restored.id}/files/${file.row.id}`;
    const redirect = await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: ownerN }, redirect: "manual" });
    expect(redirect.status).toBe(302);
    const bytes = await SELF.fetch(redirect.headers.get("Location")!);
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(fx.png());
  });

  it("gives an imported booking its reminder and its after-the-slot check", async () => {
    const P = "archive-p";
    await createSite(P);
    const ownerP = await login(P);
    const day = [{ from: "09:00", to: "17:00" }];
    const week = { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day };
    await expectJson(
      call("PUT", "/appointments/settings", ownerP, {
        enabled: true,
        hours: { timezone: "Europe/Berlin", week },
        slotMinutes: 30,
      }),
      200,
    );
    const grant = await startSession(P, { locale: "en" });
    const { slots } = (await siteStub(env, P).freeSlots()) as { slots: { start: number }[] };
    const slot = slots.find((s) => s.start > Date.now() + 3 * 3_600_000)!;
    const booked = await siteStub(env, P).bookAppointment(
      { visitorId: grant.visitorId, conversationId: grant.conversationId },
      { start: slot.start, email: "moved@example.com", lang: "en" },
    );
    expect("error" in booked).toBe(false);
    const Q = "archive-q";
    await createSite(Q);
    const ownerQ = await login(Q);
    await expectJson(importArchive(ownerQ, await exportOf(ownerP)), 200);
    const timers = await runInSite(Q, (sql) =>
      sql.exec<{ kind: string }>("SELECT kind FROM timers WHERE kind LIKE 'appointment-%' ORDER BY kind").toArray(),
    );
    expect(timers.map((t) => t.kind)).toEqual(["appointment-outcome", "appointment-reminder"]);
  });

  describe("while the site is live", () => {
    /** Stages `archive` into site `key`, as a restore from a backup would, and stops before its commit. */
    async function stagedRestore(key: string, archive: string) {
      const site = siteStub(env, key);
      const [header, ...records] = recordsOf(archive);
      const begun = await site.beginImport({ id: "op", name: "Owner", role: "owner" as const }, header, false);
      if ("error" in begun) throw new Error(begun.error.message);
      expect(await site.stageImport(begun.id, records)).toEqual({ ok: true });
      await site.importStaged(begun.id);
      return begun.id;
    }

    it("refuses to erase a contact while an import is under way, since its commit would bring them back", async () => {
      const key = "archive-erase";
      await createSite(key);
      const owner = await login(key);
      const grant = await conversation(key, owner, "Please forget me later");
      await siteStub(env, key).saveContact(grant.visitorId, { email: "forget@example.com" });
      const importId = await stagedRestore(key, await exportOf(owner));
      const erase = await expectJson(
        call("POST", "/contacts/erase", owner, { email: "forget@example.com", confirm: "forget@example.com" }),
        409,
      );
      expect(erase.error.code).toBe("import_under_way");
      expect(erase.error.message).toContain(importId);
      await expectJson(call("DELETE", `/data/import/${importId}`, owner), 200);
      await expectJson(
        call("POST", "/contacts/erase", owner, { email: "forget@example.com", confirm: "forget@example.com" }),
        200,
      );
    });

    it("commits when a visitor whose rows had gone comes back before the commit: one contact, with the archive's email", async () => {
      const key = "archive-back";
      await createSite(key);
      const owner = await login(key);
      const grant = await conversation(key, owner, "Hello there");
      await siteStub(env, key).saveContact(grant.visitorId, { email: "back@example.com" });
      const archive = await exportOf(owner);
      await expectJson(call("POST", `/contacts/${grant.visitorId}/erase`, owner, { confirm: grant.visitorId }), 200);
      const site = siteStub(env, key);
      const importId = await stagedRestore(key, archive);
      // The visitor's tab asks for a session again, and leaves a name.
      await startSession(key, { visitorToken: grant.visitorToken });
      await site.saveContact(grant.visitorId, { name: "Back Again" });
      for (;;) {
        const step = await site.importStep(importId);
        if ("error" in step) throw new Error(step.error.message);
        if (step.done) break;
      }
      const contacts = await runInSite(key, (sql) =>
        sql.exec("SELECT email, name FROM contacts WHERE visitor_id = ?", grant.visitorId).toArray(),
      );
      expect(contacts).toEqual([{ email: "back@example.com", name: "Back Again" }]);
    });
  });

  it("takes two messages that share a client id (only a hand-made archive has that): both are in the thread", async () => {
    const records = recordsOf(exported);
    const [first, second] = records.filter((r) => r.kind === "message");
    second.row.client_id = first.row.client_id;
    const F = "archive-f";
    await createSite(F);
    const ownerF = await login(F);
    await expectJson(importArchive(ownerF, await withTrailer(records.map((r) => JSON.stringify(r)))), 200);
    const { conversations } = await expectJson(call("GET", "/conversations", ownerF), 200);
    expect(conversations).toHaveLength(3);
    const texts = await Promise.all(
      conversations.map(async (c: { id: string }) => {
        const op = await operatorSocket(ownerF, c.id);
        const welcome = await op.hello();
        op.close();
        return welcome.messages.map((m: { text: string }) => m.text);
      }),
    );
    expect(texts.flat()).toEqual(expect.arrayContaining([first.row.text, second.row.text]));
  });

  it("takes the archive's retention, warning in the dry run that a shorter one erases this site's own older conversations", async () => {
    const records = recordsOf(exported);
    records.splice(1, 0, { kind: "setting", key: "retention", value: { months: 6 } });
    const G = "archive-g";
    await createSite(G);
    const ownerG = await login(G);
    const dry = await expectJson(
      importArchive(ownerG, await withTrailer(records.map((r) => JSON.stringify(r))), true),
      200,
    );
    expect(dry.report.conflicts).toContainEqual({
      kind: "setting",
      key: "retention",
      resolution:
        "the archive keeps conversations for fewer months: older ones, this site's own included, are erased at the next daily run",
    });
    // The setting as a site stores and exports it imports too.
    await expectJson(importArchive(ownerG, await withTrailer(records.map((r) => JSON.stringify(r)))), 200);
    expect((await expectJson(call("GET", "/data/retention", ownerG), 200)).months).toBe(6);
    // And its daily erasure is armed, as when the owner sets one.
    const timer = await runInSite(G, (sql) => sql.exec("SELECT 1 FROM timers WHERE kind = 'retention'").toArray());
    expect(timer).toHaveLength(1);
  });

  it("carries what the reports count besides the thread: a bot's answer rated helpful counts the same after a move", async () => {
    const { SAMPLE_KB } = await import("../fixtures/bot/faq");
    const H = "archive-h";
    await createSite(H);
    const ownerH = await login(H);
    await expectJson(
      call("POST", "/bot/kb/import?format=json", ownerH, { entries: SAMPLE_KB.map((e) => ({ ...e, tags: [] })) }),
      200,
    );
    await expectJson(call("PUT", "/bot/settings", ownerH, { enabled: true, name: "Shop bot" }), 200);
    const grant = await startSession(H, { locale: "en", timezone: "Europe/London" });
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("how long does delivery take");
    const answer = (await tab.next("message", 5000)).message;
    expect(answer.author.kind).toBe("bot");
    tab.send({ type: "bot", action: "feedback", seq: answer.seq, value: "yes" });
    await tab.next("message");
    tab.close();
    const botFacts = (site: string, id: string) =>
      runInSite(site, (sql) => {
        const row = sql.exec<{ facts: string }>("SELECT facts FROM report_facts WHERE id = ?", id).toArray()[0];
        return row ? (JSON.parse(row.facts).bot ?? null) : null;
      });
    await eventually(async () => expect((await botFacts(H, grant.conversationId))?.helpful).toBe(1), 15_000);
    const before = await botFacts(H, grant.conversationId);
    const I = "archive-i";
    await createSite(I);
    const ownerI = await login(I);
    await expectJson(importArchive(ownerI, await exportOf(ownerH)), 200);
    const [imported] = (await expectJson(call("GET", "/conversations", ownerI), 200)).conversations;
    expect(await botFacts(I, imported.id)).toEqual(before);
  });

  it("matches departments and canned shortcuts in any case of any script: no second «Продажи» beside «продажи»", async () => {
    const records = recordsOf(exported);
    for (const r of records) {
      if (r.kind === "department") r.row.name = "Продажи";
      if (r.kind === "canned") r.row.shortcut = "Доставка";
    }
    const K = "archive-k";
    await createSite(K);
    const ownerK = await login(K);
    await expectJson(call("POST", "/departments", ownerK, { name: "продажи", operatorIds: [] }), 201);
    await expectJson(call("POST", "/canned", ownerK, { shortcut: "доставка", title: "Delivery", text: "2 days" }), 201);
    const dry = await expectJson(
      importArchive(ownerK, await withTrailer(records.map((r) => JSON.stringify(r))), true),
      200,
    );
    expect(dry.report.conflicts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "department", key: "Продажи" }),
        expect.objectContaining({ kind: "canned", key: "Доставка" }),
      ]),
    );
    await expectJson(importArchive(ownerK, await withTrailer(records.map((r) => JSON.stringify(r)))), 200);
    const { departments } = await expectJson(call("GET", "/departments", ownerK), 200);
    expect(departments.map((d: { name: string }) => d.name)).toEqual(["продажи"]);
    const { canned } = await expectJson(call("GET", "/canned", ownerK), 200);
    expect(canned.map((c: { shortcut: string; text: string }) => [c.shortcut, c.text])).toEqual([
      ["доставка", "2 days"],
    ]);
  });

  it("imports a scenario and lead emails that still name a department deleted at the source: the button hands to a person", async () => {
    const records = recordsOf(exported);
    for (const r of records) {
      if (r.kind === "setting" && r.key === "bot_scenario") r.value.steps[0].buttons[0].department = "dep_gone";
      if (r.kind === "setting" && r.key === "bot") r.value.leads.departmentEmails = { dep_gone: "gone@shop.example" };
    }
    const M = "archive-m";
    await createSite(M);
    const ownerM = await login(M);
    await expectJson(importArchive(ownerM, await withTrailer(records.map((r) => JSON.stringify(r)))), 200);
    const { scenario } = await expectJson(call("GET", "/bot/scenario", ownerM), 200);
    expect(scenario.steps[0].buttons[0]).toEqual({ label: "Sales", action: "handoff" });
    const { settings } = await expectJson(call("GET", "/bot/settings", ownerM), 200);
    expect(settings.leads.departmentEmails).toEqual({});
  });

  describe("refuses a bad archive, importing nothing", () => {
    let ownerC: string;
    const C = "archive-c";
    let before: string[];

    beforeAll(async () => {
      await createSite(C);
      ownerC = await login(C);
      before = normalised(await exportOf(ownerC));
    });

    async function refused(body: string | Uint8Array, status: number, code: string, message: RegExp): Promise<void> {
      for (const dryRun of [true, false]) {
        const res = await expectJson(importArchive(ownerC, body, dryRun), status);
        expect(res.error.code).toBe(code);
        expect(res.error.message).toMatch(message);
      }
      expect(normalised(await exportOf(ownerC))).toEqual(before);
    }

    it("truncated", async () => {
      const lines = exported.split("\n");
      await refused(lines.slice(0, -3).join("\n") + "\n", 400, "archive_truncated", /truncated/);
      await refused(exported.slice(0, exported.length - 40), 400, "archive_truncated", /truncated/);
    });

    it("tampered", async () => {
      const changed = exported.replace("Happy to help", "Happy to hurt");
      expect(changed).not.toBe(exported);
      await refused(changed, 400, "archive_tampered", /changed after export/);
      const dropped = exported
        .split("\n")
        .filter((l) => !l.includes('"kind":"canned"'))
        .join("\n");
      await refused(dropped, 400, "archive_tampered", /checksum/);
    });

    it("foreign", async () => {
      await refused('{"some":"json"}\n', 400, "foreign_archive", /not an Edgechat site archive/);
      await refused("id,visitor_id\n1,2\n", 400, "archive_damaged", /not JSON/);
      await refused("", 400, "foreign_archive", /empty/);
    });

    it("with a message before its conversation (checksum recomputed, as a hand-made file would be)", async () => {
      const lines = exported.trimEnd().split("\n").slice(0, -1);
      const i = lines.findIndex((l) => l.includes('"kind":"conversation"'));
      const reordered = [...lines.slice(0, i), ...lines.slice(i + 1), lines[i]!];
      await refused(await withTrailer(reordered), 400, "archive_damaged", /comes before the conversation/);
    });

    it("of another format version", async () => {
      const v4 = exported.replace('"version":3', '"version":4');
      await refused(v4, 400, "archive_version", /version 4; this deployment reads versions 1, 2 and 3/);
    });

    it("with a damaged visitor count (checksum recomputed)", async () => {
      const lines = exported.trimEnd().split("\n").slice(0, -1);
      const i = lines.findIndex((l) => l.includes('"kind":"visitorDay"'));
      const day = JSON.parse(lines[i]!);
      lines[i] = JSON.stringify({ ...day, sketch: "_".repeat(day.sketch.length) }); // every register 255
      await refused(await withTrailer(lines), 400, "archive_damaged", /visitor count of \d{4}-\d{2}-\d{2} is damaged/);
    });

    describe("with a row that would stop the import half-way or break a screen (checksum recomputed)", () => {
      /** The archive's records with `edit` applied to the first of `kind`, and a matching trailer. */
      async function edited(kind: string, edit: (record: any) => any): Promise<string> {
        const records = recordsOf(exported);
        const i = records.findIndex((r) => r.kind === kind);
        records[i] = edit(structuredClone(records[i]));
        return withTrailer(records.map((r) => JSON.stringify(r)));
      }

      it("a message's seq twice, or one that is no whole number", async () => {
        const lines = exported.trimEnd().split("\n").slice(0, -1);
        const i = lines.findIndex((l) => l.includes('"kind":"message"'));
        lines.splice(i + 1, 0, lines[i]!); // the first message once more
        await refused(await withTrailer(lines), 400, "archive_damaged", /message 1 comes after message 1/);
        const huge = await edited("message", (m) => ({ ...m, row: { ...m.row, seq: 1e300 } }));
        await refused(huge, 400, "archive_damaged", /line \d+: the message's seq/);
      });

      it("a conversation without its start time", async () => {
        const body = await edited("conversation", (c) => ({ ...c, row: { ...c.row, created_at: null } }));
        await refused(body, 400, "archive_damaged", /line \d+: the conversation's created_at/);
      });

      it("a knowledge-base entry whose questions are not a list, an operator with a role of no one's", async () => {
        const kb = await edited("kb", (k) => ({ ...k, row: { ...k.row, questions: "not json" } }));
        await refused(kb, 400, "archive_damaged", /the kb's questions is not a JSON list of texts/);
        const operator = await edited("operator", (o) => ({ ...o, row: { ...o.row, role: "superuser" } }));
        await refused(operator, 400, "archive_damaged", /the operator's role/);
      });

      it("a call still ringing, a canned answer without its id", async () => {
        const ringing = await edited("conversation", (c) => ({
          ...c,
          calls: [{ id: "call-1", state: "ringing", caller_role: "visitor", caller_socket: "s", requested_at: 1 }],
        }));
        await refused(ringing, 400, "archive_damaged", /line \d+: the conversation's calls\.state/);
        const keyless = await edited("canned", (c) => {
          const { id: _id, ...row } = c.row;
          return { ...c, row };
        });
        await refused(keyless, 400, "archive_damaged", /a canned record's id is missing/);
      });

      it("a contact whose first visit is not a time", async () => {
        const body = await edited("contact", (c) => ({ ...c, row: { ...c.row, first_seen: "yesterday" } }));
        await refused(body, 400, "archive_damaged", /a contact record's first_seen is not a whole number/);
      });

      it("a setting this site's checks refuse: the dry run says so too", async () => {
        const body = await edited("setting", () => ({ kind: "setting", key: "retention", value: { months: 999 } }));
        await refused(body, 400, "archive_setting", /the archive's retention setting is not valid here/);
      });
    });

    it("too large", async () => {
      const huge = exported.replace("Happy to help", "x".repeat(1_100_000));
      await refused(huge, 413, "record_too_large", /over 1024 KB/);
    });
  });
});
