import { beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, createSite, login, post } from "./helpers";
import { addOperator, call, expectJson } from "./admin-helpers";

const SITE = "install-shop";
let owner: string;

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
});

const session = (origin: string) => post(`/api/v1/sites/${SITE}/sessions`, {}, { Origin: origin });

describe("the widget on a page whose origin is not allowed", () => {
  it("gets a refusal it can read (CORS on the error), and no session data", async () => {
    const res = await session("https://www.shop.example");
    expect(res.status).toBe(403);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://www.shop.example");
    const body = (await res.json()) as any;
    expect(body.error.code).toBe("origin_not_allowed");
    expect(body.visitorToken).toBeUndefined();
  });

  it("is refused readably for an unknown site too", async () => {
    const res = await post("/api/v1/sites/no-such-install/sessions", {}, { Origin: ORIGIN });
    expect(res.status).toBe(404);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  });
});

describe("Install: origins seen and refused", () => {
  it("lists where the widget ran and where it was refused, and allows a refused origin in one call", async () => {
    expect((await session(ORIGIN)).status).toBe(200);
    await session("http://shop.example");
    await session("not an origin");
    const report = await expectJson(call("GET", "/install", owner), 200);
    expect(report.siteKey).toBe(SITE);
    expect(report.seen.map((o: any) => o.origin)).toEqual([ORIGIN]);
    expect(report.seen[0].lastAt).toBeGreaterThan(Date.now() - 60_000);
    expect(report.refused.map((o: any) => o.origin)).toEqual(["http://shop.example", "https://www.shop.example"]);

    const allowed = await expectJson(
      call("POST", "/install/allow", owner, { origin: "https://www.shop.example" }),
      200,
    );
    expect(allowed.settings.allowedOrigins).toEqual([ORIGIN, "https://www.shop.example"]);
    expect((await session("https://www.shop.example")).status).toBe(200);
    const after = await expectJson(call("GET", "/install", owner), 200);
    expect(after.refused.map((o: any) => o.origin)).toEqual(["http://shop.example"]);
    expect(after.seen.map((o: any) => o.origin)).toContain("https://www.shop.example");
  });

  it("refuses a malformed origin with a field message, and operators", async () => {
    const bad = await expectJson(call("POST", "/install/allow", owner, { origin: "https://shop.example/path" }), 400);
    expect(bad.error.fields.origin).toMatch(/scheme:\/\/host/);
    const operator = await addOperator(SITE, owner, "operator");
    await expectJson(call("GET", "/install", operator.cookie), 403);
    await expectJson(call("POST", "/install/allow", operator.cookie, { origin: "https://x.example" }), 403);
  });

  it("keeps a bounded list when a page floods it with made-up origins", async () => {
    for (let i = 0; i < 45; i++) await session(`https://fake${i}.example`);
    const report = await expectJson(call("GET", "/install", owner), 200);
    expect(report.seen.length + report.refused.length).toBeLessThanOrEqual(40);
    expect(report.refused[0].origin).toBe("https://fake44.example");
  });
});

describe("identities that do not verify", () => {
  it("are counted for the admin's notice (the widget then goes on unverified)", async () => {
    const before = await expectJson(call("GET", "/install", owner), 200);
    expect(before.identityRefused).toBeNull();
    const res = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { identity: { userId: "7", hash: "0".repeat(64) } },
      { Origin: ORIGIN },
    );
    expect(res.status).toBe(401);
    const after = await expectJson(call("GET", "/install", owner), 200);
    expect(after.identityRefused).toMatchObject({ count: 1, lastAt: expect.any(Number) });
  });
});
