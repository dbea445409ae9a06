import { beforeAll, describe, expect, it } from "vitest";
import { localDay } from "../../worker/reports";
import { addOperator, call, expectJson } from "./admin-helpers";
import { createSite, eventually, login, noAutoReplies, operatorSocket, startSession, visitorSocket } from "./helpers";

const SITE = "reports-shop";
let owner: string;
const today = () => localDay("Europe/Berlin", Date.now());
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

beforeAll(async () => {
  await createSite(SITE); // Europe/Berlin
  owner = await login(SITE);
  await noAutoReplies(owner);
});

async function answeredChat(): Promise<string> {
  const grant = await startSession(SITE);
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say("Do you ship to Norway?");
  const op = await operatorSocket(owner, grant.conversationId);
  await op.hello();
  op.send({ type: "message", clientId: crypto.randomUUID(), text: "Yes, in 3 days." });
  await op.next("ack");
  return grant.conversationId;
}

describe("GET /api/v1/admin/reports", () => {
  it("counts a conversation answered by an operator on today's local date", async () => {
    const empty = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    await answeredChat();
    await eventually(async () => {
      const r = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
      expect(r.figures.conversations).toBe(empty.figures.conversations + 1);
      expect(r.figures.answered).toBe(empty.figures.answered + 1);
    });
    const r = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    expect(r.period).toMatchObject({ from: today(), to: today(), timeZone: "Europe/Berlin", days: 1 });
    expect(r.figures.firstResponse.mean).toBeGreaterThanOrEqual(0);
    expect(r.figures.firstResponse.mean).toBeLessThan(10_000);
    expect(r.figures.bot).toBeNull();
    expect(r.previous.conversations).toBe(0);
    // The same day read in another zone is counted from the facts, and still finds it.
    const utc = await expectJson(
      call(
        "GET",
        `/reports${q({ from: localDay("UTC", Date.now()), to: localDay("UTC", Date.now()), tz: "UTC" })}`,
        owner,
      ),
      200,
    );
    expect(utc.figures.conversations).toBeGreaterThanOrEqual(1);
  });

  it("refuses from after to, over two years, unknown zones and a bad threshold", async () => {
    const bad = async (params: Record<string, string>, field: string) => {
      const body = await expectJson(call("GET", `/reports${q(params)}`, owner), 400);
      expect(body.error.code).toBe("invalid_period");
      expect(Object.keys(body.error.fields)).toEqual([field]);
      return body.error.message;
    };
    expect(await bad({ from: "2026-03-02", to: "2026-03-01" }, "from")).toBe("from must not be after to");
    expect(await bad({ from: "2024-01-01", to: "2026-01-02" }, "to")).toContain("at most 731 days");
    expect(await bad({ from: "2026-03-01", to: "2026-03-02", tz: "Mars/Olympus" }, "tz")).toContain(
      "unknown time zone",
    );
    await bad({ from: "yesterday", to: "2026-03-02" }, "from");
    await bad({ from: "2026-03-01", to: "2026-03-02", missedAfter: "0" }, "missedAfter");
    await bad({ from: "2026-03-01", to: "2026-03-02", missedAfter: "-5" }, "missedAfter");
  });

  it("is for owners and admins only", async () => {
    const operator = await addOperator(SITE, owner, "operator");
    const body = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, operator.cookie), 403);
    expect(body.error.code).toBeTruthy();
    await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, null), 401);
  });
});

describe("GET /api/v1/admin/reports/:table.csv", () => {
  it("downloads a table as CSV", async () => {
    await answeredChat();
    const res = await call("GET", `/reports/hours.csv${q({ from: today(), to: today() })}`, owner);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="hours-${today()}-${today()}.csv"`);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("hour,conversations");
    expect(lines.slice(1, 25).reduce((s, l) => s + Number(l.split(",")[1]), 0)).toBeGreaterThanOrEqual(1);
  });

  it("counts conversations by the page the chat started on, from the trail the widget uploaded", async () => {
    const before = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
    const count = (r: any, page: string) =>
      r.figures.byStartPage.find((p: { page: string }) => p.page === page)?.conversations ?? 0;
    const page = "https://shop.example/kettles";
    for (const url of [`${page}?utm_source=mail`, `${page}#reviews`]) {
      const grant = await startSession(SITE, {
        trail: { landing: "https://shop.example/", pages: [{ url, at: Date.now() }] },
      });
      const tab = await visitorSocket(grant);
      await tab.hello();
      await tab.say("Is the blue kettle in stock?");
      tab.close();
    }
    await eventually(async () => {
      const r = await expectJson(call("GET", `/reports${q({ from: today(), to: today() })}`, owner), 200);
      expect(count(r, page)).toBe(count(before, page) + 2);
    });
    const res = await call("GET", `/reports/pages.csv${q({ from: today(), to: today() })}`, owner);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("page,conversations");
    expect(lines).toContain(`${page},2`);
  });

  it("names the tables when asked for another", async () => {
    const body = await expectJson(call("GET", `/reports/secrets.csv${q({ from: today(), to: today() })}`, owner), 404);
    expect(body.error.message).toContain("daily.csv");
    await expectJson(call("GET", `/reports/hours.csv${q({ from: "2026-03-02", to: "2026-03-01" })}`, owner), 400);
  });
});
