/**
 * Floods: visitor sessions and new conversations per client are limited (429 with
 * Retry-After in the one error envelope), operators get one digest per interval instead of
 * one email per new chat, operator notices cannot use the email budget kept for visitors, and
 * emails withdrawn before they went out use none of it.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { siteStub } from "../../worker/lib/jurisdiction";
import { sendDigest } from "../../worker/site/mail/notices";
import { SEND_LIMITS } from "../../worker/site/mail/outbox";
import { VISITOR_LIMITS } from "../../worker/site/visitor-limits";
import { createSite, eventually, login, ORIGIN, post, startSession, visitorSocket } from "../worker/helpers";
import { tally } from "./tally";

const SITE = "sec-abuse";
const t = tally("abuse (session and conversation floods, notice digest, email reserve)");

beforeAll(async () => {
  await createSite(SITE);
  await login(SITE);
});

/** As many emails of today in the outbox as operator notices may use, of `kind` in `status`. */
function fillNoticeBudget(sql: SqlStorage, kind: string, status: string): void {
  const now = Date.now();
  for (let i = 0; i < SEND_LIMITS.perSitePerDay - SEND_LIMITS.reservedForVisitors; i++) {
    sql.exec(
      "INSERT INTO outbox (id, kind, to_addr, subject, message, status, provider, created_at) VALUES (?, ?, 'x@shop.example', 's', '{}', ?, 'outbox', ?)",
      `m_fill_${status}_${i}`,
      kind,
      status,
      now,
    );
  }
}

function session(ip: string, body: Record<string, unknown> = {}) {
  return post(`/api/v1/sites/${SITE}/sessions`, body, { Origin: ORIGIN, "CF-Connecting-IP": ip });
}

describe("session and conversation floods", () => {
  it("limits new conversations per client IP with 429 and Retry-After", async () => {
    const ip = "203.0.113.7";
    for (let i = 0; i < VISITOR_LIMITS.conversationsPerIp.max; i++) expect((await session(ip)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await session(ip);
      t.status(res);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(((await res.json()) as any).error).toMatchObject({
        code: "rate_limited",
        message: expect.stringMatching(/too many new conversations.*try again in \d+ s/),
      });
    }
    expect((await session("203.0.113.8")).status).toBe(200); // another client is not affected
  });

  it("limits sessions per client IP, even ones that resume a conversation", async () => {
    const ip = "198.51.100.9";
    const first = (await (await session(ip)).json()) as any;
    let refused = 0;
    for (let i = 0; i < VISITOR_LIMITS.sessionsPerIp.max + 5; i++) {
      const res = await session(ip, { visitorToken: first.visitorToken });
      if (res.status === 429) refused++;
      else expect(res.status).toBe(200);
      if (i >= VISITOR_LIMITS.sessionsPerIp.max) t.status(res);
    }
    expect(refused).toBe(6); // the first session counted too
  });
});

describe("operator notices", () => {
  it("sends one email at once, then one digest per interval however many chats start", async () => {
    const site = "sec-digest";
    await createSite(site);
    const notices = async () => (await siteStub(env, site).outbox(500)).filter((m) => m.kind === "notify");
    for (let i = 0; i < 6; i++) {
      const tab = await visitorSocket(await startSession(site));
      await tab.hello();
      await tab.say(`flood ${i}`);
      tab.close();
    }
    await eventually(async () => expect(await notices()).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 300));
    const before = (await notices()).length;
    t.probe(before === 1);
    await runInDurableObject(siteStub(env, site), async (instance) => sendDigest((instance as any).host));
    const after = await notices();
    t.probe(after.length === 2);
    expect(after).toHaveLength(2);
    expect(after[0]!.subject).toMatch(/^5 new chats/);
  });

  it("keeps a reserve of the day's email budget for visitors", async () => {
    const result = await runInDurableObject(siteStub(env, SITE), async (instance, state) => {
      fillNoticeBudget(state.storage.sql, "notify", "sent");
      const mailer = (instance as any).host.mailer;
      const notice = await mailer.send({ kind: "notify", to: "owner@shop.example", subject: "new chat", text: "t" });
      const transcript = await mailer.send({
        kind: "transcript",
        to: "visitor@example.com",
        subject: "your chat",
        text: "t",
      });
      return { notice: notice.status, transcript: transcript.status };
    });
    t.probe(result.notice === "limited");
    expect(result).toEqual({ notice: "limited", transcript: "outbox" });
  });

  it("does not count emails withdrawn before they went out against the day's budget", async () => {
    await createSite("sec-withdrawn");
    const status = await runInDurableObject(siteStub(env, "sec-withdrawn"), async (instance, state) => {
      fillNoticeBudget(state.storage.sql, "appointment-reminder", "withdrawn");
      const mailer = (instance as any).host.mailer;
      return (await mailer.send({ kind: "notify", to: "owner@shop.example", subject: "new chat", text: "t" })).status;
    });
    expect(status).toBe("outbox");
  });
});
