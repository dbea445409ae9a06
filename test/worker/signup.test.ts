/**
 * The signup modes. SIGNUP is a variable of the deployment, so these tests call
 * the Worker's fetch handler with the test env plus SIGNUP (and a visitor's IP), inside
 * workerd with the real Durable Objects: `invite` with one-time codes, `open` with the email
 * confirmation, the per-IP limit and the expiry of unconfirmed sites.
 */
import {
  createExecutionContext,
  env,
  runDurableObjectAlarm,
  runInDurableObject,
  SELF,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import type { Env } from "../../worker/env";
import { DEPLOYMENT_OBJECT, SIGNUP_LIMIT } from "../../worker/deployment";
import { siteStub } from "../../worker/lib/jurisdiction";
import { signRequest } from "../../worker/site/plugin/signature";
import { call, expectJson, mailboxOf } from "./admin-helpers";
import { BASE, post } from "./helpers";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
let ipCounter = 0;

/** A request to the Worker with SIGNUP (and other variables) set. */
async function withVars(vars: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init) as any, { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function signup(mode: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return withVars({ SIGNUP: mode }, "/api/v1/sites", {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": `198.51.100.${++ipCounter}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** What the plugin sends on Connect. */
function connect(url: string, extra: Record<string, unknown> = {}) {
  return { ownerEmail: `owner@${new URL(url).hostname}`, url, name: "WordPress shop", ...extra };
}

function newCode(body: Record<string, unknown> = {}, headers: Record<string, string> = ADMIN) {
  return SELF.fetch(`${BASE}/api/v1/signup-codes`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function codes(): Promise<any[]> {
  return (await expectJson(SELF.fetch(`${BASE}/api/v1/signup-codes`, { headers: ADMIN }), 200)).codes;
}

/** The signup emails the deployment owner sees, each with its text as the recipient reads it. */
async function signupEmails(siteKey: string): Promise<any[]> {
  const seen = (await expectJson(SELF.fetch(`${BASE}/api/v1/sites/${siteKey}/signup-emails`, { headers: ADMIN }), 200))
    .emails;
  for (const mail of seen as any[]) expect(mail.message.text).not.toMatch(/token=(?!REDACTED)/);
  const full = new Map(
    (await Promise.all([...new Set<string>(seen.map((m: any) => m.to as string))].map((to) => mailboxOf(siteKey, to))))
      .flat()
      .map((m) => [m.id, m]),
  );
  return seen.map((m: any) => full.get(m.id) ?? m);
}

async function status(siteKey: string, secret: string): Promise<Response> {
  const path = `/api/v1/sites/${siteKey}/status`;
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = await signRequest(secret, ts, { method: "GET", pathWithQuery: path, body: "" });
  return SELF.fetch(`${BASE}${path}`, { headers: { "X-Edgechat-Timestamp": ts, "X-Edgechat-Signature": signature } });
}

function session(siteKey: string, origin: string) {
  return post(`/api/v1/sites/${siteKey}/sessions`, {}, { Origin: origin });
}

describe("SIGNUP=closed (the default)", () => {
  it("needs the admin token", async () => {
    expect((await expectJson(signup("closed", connect("https://closed.example")), 401)).error.code).toBe(
      "admin_token_required",
    );
    const site = await expectJson(signup("closed", connect("https://closed.example"), ADMIN), 201);
    expect(site.status).toBe("active");
  });
});

describe("SIGNUP=invite", () => {
  it("the owner makes codes with the admin token; a code makes one live site, once", async () => {
    expect((await expectJson(newCode({}, {}), 401)).error.code).toBe("admin_token_required");
    const made = await expectJson(newCode({ note: "for the bakery" }), 201);
    expect(made).toMatchObject({
      code: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      state: "unused",
      note: "for the bakery",
    });
    expect(JSON.stringify(await codes())).not.toContain(made.code);

    expect((await expectJson(signup("invite", connect("https://bakery.example")), 401)).error.code).toBe(
      "signup_code_required",
    );
    const site = await expectJson(signup("invite", connect("https://bakery.example", { signupCode: made.code })), 201);
    expect(site).toMatchObject({ siteKey: "bakery-example", status: "active" });
    expect(site.setPasswordUrl).toBeUndefined(); // only the deployment owner sees that link
    expect((await signupEmails("bakery-example")).map((m) => m.kind)).toEqual(["site_welcome"]);
    expect((await session("bakery-example", "https://bakery.example")).status).toBe(200);
    expect((await codes()).find((c) => c.id === made.id)).toMatchObject({ state: "used", siteKey: "bakery-example" });

    const reused = await expectJson(
      signup("invite", connect("https://bakery2.example", { signupCode: made.code })),
      409,
    );
    expect(reused.error.code).toBe("signup_code_used");
  });

  it("refuses unknown, expired, revoked and other-email codes, with distinct codes", async () => {
    expect(
      (
        await expectJson(
          signup("invite", connect("https://x1.example", { signupCode: "no-such-code-0000000000" })),
          403,
        )
      ).error.code,
    ).toBe("invalid_signup_code");

    const forAnna = await expectJson(newCode({ email: "anna@florist.example" }), 201);
    const mismatch = await expectJson(
      signup("invite", connect("https://florist.example", { signupCode: forAnna.code })),
      403,
    );
    expect(mismatch.error.code).toBe("signup_code_email_mismatch");
    await expectJson(
      signup(
        "invite",
        connect("https://florist.example", { signupCode: forAnna.code, ownerEmail: "ANNA@florist.example" }),
      ),
      201,
    );

    const old = await expectJson(newCode(), 201);
    const dep = env.DEPLOYMENT.get(env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT));
    await runInDurableObject(dep, (_i, state) => {
      state.storage.sql.exec("UPDATE signup_codes SET expires_at = 1 WHERE id = ?", old.id);
    });
    expect(
      (await expectJson(signup("invite", connect("https://x2.example", { signupCode: old.code })), 403)).error.code,
    ).toBe("signup_code_expired");

    const revoked = await expectJson(newCode(), 201);
    await expectJson(
      SELF.fetch(`${BASE}/api/v1/signup-codes/${revoked.id}`, { method: "DELETE", headers: ADMIN }),
      200,
    );
    expect(
      (await expectJson(signup("invite", connect("https://x3.example", { signupCode: revoked.code })), 403)).error.code,
    ).toBe("invalid_signup_code");
  });

  it("does not spend a code on a signup that fails: nothing half-created", async () => {
    const code = (await expectJson(newCode(), 201)).code;
    await expectJson(signup("closed", connect("https://taken.example", { siteKey: "taken-key" }), ADMIN), 201);
    const taken = await expectJson(
      signup("invite", connect("https://taken.example", { siteKey: "taken-key", signupCode: code })),
      409,
    );
    expect(taken.error.code).toBe("site_exists");
    const bad = await expectJson(
      signup("invite", { ...connect("https://taken.example"), url: "nope", signupCode: code }),
      400,
    );
    expect(bad.error.code).toBe("invalid_body");
    const pw = await expectJson(
      signup("invite", connect("https://pw.example", { signupCode: code, ownerPassword: "long enough pw" })),
      400,
    );
    expect(pw.error.code).toBe("password_not_allowed");
    // The code is still good.
    await expectJson(signup("invite", connect("https://taken.example", { signupCode: code })), 201);
  });
});

describe("SIGNUP=open", () => {
  it("creates a pending site; the owner's confirmation puts it live and leads to setting a password", async () => {
    const site = await expectJson(signup("open", connect("https://corner.example")), 201);
    expect(site).toMatchObject({ siteKey: "corner-example", status: "pending_confirmation" });
    expect(site.setPasswordUrl).toBeUndefined();
    expect(await expectJson(status(site.siteKey, site.pluginSecret), 200)).toEqual({
      status: "pending_confirmation",
      name: "WordPress shop",
    });
    const refused = await expectJson(session(site.siteKey, "https://corner.example"), 403);
    expect(refused.error.code).toBe("site_not_confirmed");

    // The confirmation email waits in the pending site's own outbox; the deployment owner can read it.
    const [mail] = await signupEmails(site.siteKey);
    expect(mail).toMatchObject({ kind: "signup_confirm", to: "owner@corner.example", status: "outbox" });
    const link = new URL(mail.message.text.match(/https:\/\/\S+\/confirm\?token=\S+/)![0]);
    expect(link.origin).toBe("https://chat.example");

    // Opening the link shows a button and changes nothing (mail scanners open links).
    const pageRes = await SELF.fetch(link);
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain('<form method="post">');
    expect((await session(site.siteKey, "https://corner.example")).status).toBe(403);

    const wrong = await expectJson(
      SELF.fetch(`${BASE}${link.pathname}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: "x".repeat(43) }),
      }),
      404,
    );
    expect(wrong.error.code).toBe("invalid_confirmation");

    const confirmed = await SELF.fetch(`${BASE}${link.pathname}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `token=${link.searchParams.get("token")}`,
      redirect: "manual",
    });
    expect(confirmed.status).toBe(303);
    const setPassword = new URL(confirmed.headers.get("Location")!);
    expect(setPassword.pathname).toBe("/admin/reset-password");
    expect((await session(site.siteKey, "https://corner.example")).status).toBe(200);
    expect((await expectJson(status(site.siteKey, site.pluginSecret), 200)).status).toBe("active");

    const again = await SELF.fetch(`${BASE}${link.pathname}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: link.searchParams.get("token") }),
    });
    expect((await expectJson(again, 409)).error.code).toBe("already_confirmed");

    await expectJson(
      call("POST", "/password-reset/complete", null, {
        siteKey: site.siteKey,
        token: setPassword.searchParams.get("token"),
        password: "corner shop password",
      }),
      200,
    );
    await expectJson(
      post(
        "/api/v1/admin/login",
        { siteKey: site.siteKey, email: "owner@corner.example", password: "corner shop password" },
        { Origin: BASE },
      ),
      200,
    );
  });

  it("answers the confirmation as JSON too", async () => {
    const site = await expectJson(signup("open", connect("https://json.example")), 201);
    const [mail] = await signupEmails(site.siteKey);
    const link = new URL(mail.message.text.match(/https:\/\/\S+\/confirm\?token=\S+/)![0]);
    const res = await SELF.fetch(`${BASE}${link.pathname}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: link.searchParams.get("token") }),
    });
    expect(await expectJson(res, 200)).toMatchObject({
      status: "active",
      setPasswordUrl: expect.stringContaining("/admin/reset-password?site=json-example&token="),
    });
  });

  it(`limits one IP to ${SIGNUP_LIMIT.perIp} signups an hour (429 with Retry-After)`, async () => {
    const ip = { "CF-Connecting-IP": "203.0.113.77" };
    for (let i = 0; i < SIGNUP_LIMIT.perIp; i++)
      await expectJson(signup("open", connect(`https://flood${i}.example`), ip), 201);
    const res = await signup("open", connect("https://flood-more.example"), ip);
    const body = await expectJson(res, 429);
    expect(body.error.code).toBe("signup_rate_limited");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(3000);
    // Nothing was made for the refused one; another address may still sign up.
    expect(
      (
        await expectJson(
          signup("open", connect("https://flood-more.example"), { "CF-Connecting-IP": "203.0.113.78" }),
          201,
        )
      ).siteKey,
    ).toBe("flood-more-example");
  });

  it("refuses a password without the admin token and leaves nothing behind", async () => {
    const res = await expectJson(
      signup("open", connect("https://nopw.example", { ownerPassword: "long enough pw" })),
      400,
    );
    expect(res.error.code).toBe("password_not_allowed");
    expect((await expectJson(signup("open", connect("https://nopw.example")), 201)).siteKey).toBe("nopw-example");
  });

  it("wipes a site nobody confirmed within a week (its key is free again)", async () => {
    const site = await expectJson(signup("open", connect("https://ghost.example")), 201);
    const stub = siteStub(env, site.siteKey);
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE timers SET due = 1 WHERE kind = 'signup-expiry'");
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await expectJson(status(site.siteKey, site.pluginSecret), 404)).error.code).toBe("unknown_site");
    await runInDurableObject(stub, (_i, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM operators").one().n).toBe(0);
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM outbox").one().n).toBe(0);
    });
    expect((await expectJson(signup("open", connect("https://ghost.example")), 201)).siteKey).toBe("ghost-example");
  });

  it("a confirmed site is not wiped by a late expiry run", async () => {
    const site = await expectJson(signup("open", connect("https://late.example")), 201);
    const [mail] = await signupEmails(site.siteKey);
    const link = new URL(mail.message.text.match(/https:\/\/\S+\/confirm\?token=\S+/)![0]);
    await expectJson(
      SELF.fetch(`${BASE}${link.pathname}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: link.searchParams.get("token") }),
      }),
      200,
    );
    const stub = siteStub(env, site.siteKey);
    await runInDurableObject(stub, async (_i, state) => {
      state.storage.sql.exec("INSERT INTO timers (kind, key, due) VALUES ('signup-expiry', '', 1)");
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await runDurableObjectAlarm(stub);
    expect((await expectJson(status(site.siteKey, site.pluginSecret), 200)).status).toBe("active");
  });
});
