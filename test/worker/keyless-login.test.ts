/**
 * Signing in without a site key: the deployment's directory of operator emails → sites,
 * kept in step as operators join and leave; one site signs in, several answer with a
 * chooser (only after the password was right), an unknown email and a wrong password get
 * the same answer, and both are slowed down alike.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEPLOYMENT_OBJECT } from "../../worker/deployment";
import { siteStub } from "../../worker/lib/jurisdiction";
import { call, captureMail, expectJson, linkIn } from "./admin-helpers";
import { BASE, createSite, eventually, login } from "./helpers";

const PASSWORD = "dana's long password";

function deployment() {
  return env.DEPLOYMENT.get(env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT));
}

function keyless(body: Record<string, unknown>, ip = "203.0.113.1"): Promise<Response> {
  return SELF.fetch(`${BASE}/api/v1/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: BASE, "CF-Connecting-IP": ip },
    body: JSON.stringify(body),
  });
}

/** Invites `email` to a site and accepts with `password`; returns the new operator's id. */
async function join(siteKey: string, email: string, password = PASSWORD): Promise<string> {
  const owner = await login(siteKey);
  const mail = await captureMail(siteKey);
  await expectJson(call("POST", "/team/invites", owner, { email, name: "Dana", role: "operator" }), 201);
  const invite = (await mail.sent()).at(-1)!;
  // The email names the site to sign in to, and where.
  expect(invite.text).toContain(`site key: ${siteKey}`);
  expect(invite.text).toContain(`${BASE}/admin/`);
  const token = linkIn(invite).searchParams.get("token");
  const info = await expectJson(call("GET", `/invites/info?site=${siteKey}&token=${token}`, null), 200);
  expect(info).toMatchObject({ email, name: "Dana", siteKey });
  const body = await expectJson(call("POST", "/invites/accept", null, { siteKey, token, name: "Dana", password }), 200);
  return body.operator.id;
}

describe("sign-in without a site key", () => {
  it("signs in to the one site of an email", async () => {
    await createSite("kl-one");
    await join("kl-one", "solo@shop.example");
    await eventually(async () => {
      const res = await keyless({ email: "Solo@Shop.example", password: PASSWORD });
      const body = await expectJson(res, 200);
      expect(body).toMatchObject({ siteKey: "kl-one", operator: { email: "solo@shop.example" } });
      const cookie = res.headers.get("Set-Cookie")!.split(";")[0]!;
      expect((await expectJson(call("GET", "/me", cookie), 200)).siteKey).toBe("kl-one");
    });
  });

  it("offers the sites whose password matched when an email is on several, and forgets a site the operator left", async () => {
    await createSite("kl-shoes");
    await createSite("kl-hats");
    await createSite("kl-bags");
    await join("kl-shoes", "dana@shop.example");
    const hatsId = await join("kl-hats", "dana@shop.example");
    await join("kl-bags", "dana@shop.example", "another password entirely");
    await eventually(async () => {
      const res = await keyless({ email: "dana@shop.example", password: PASSWORD });
      expect(res.headers.get("Set-Cookie")).toBeNull();
      expect(await expectJson(res, 200)).toEqual({
        chooseSite: [
          { siteKey: "kl-hats", name: "Shop kl-hats" },
          { siteKey: "kl-shoes", name: "Shop kl-shoes" },
        ],
      });
    });
    const picked = await keyless({ email: "dana@shop.example", password: PASSWORD, siteKey: "kl-hats" });
    expect((await expectJson(picked, 200)).siteKey).toBe("kl-hats");

    await expectJson(call("DELETE", `/team/${hatsId}`, await login("kl-hats")), 200);
    await eventually(async () => {
      const res = await keyless({ email: "dana@shop.example", password: PASSWORD });
      expect((await expectJson(res, 200)).siteKey).toBe("kl-shoes");
    });
  });

  it("answers an unknown email exactly as a wrong password, and slows both down alike", async () => {
    await createSite("kl-limits");
    await join("kl-limits", "known@shop.example");
    await eventually(async () => {
      expect((await keyless({ email: "known@shop.example", password: PASSWORD })).status).toBe(200);
    });
    const answers: Record<string, { status: number; body: unknown; ms: number[] }> = {};
    for (const email of ["known@shop.example", "nobody@shop.example"]) {
      const ip = email.startsWith("known") ? "198.51.100.7" : "198.51.100.8";
      const seen = { status: 0, body: null as unknown, ms: [] as number[] };
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const res = await keyless({ email, password: "not the password" }, ip);
        seen.ms.push(Math.round(performance.now() - started));
        seen.status = res.status;
        seen.body = await res.json();
      }
      const sixth = await keyless({ email, password: "not the password" }, ip);
      answers[email] = { ...seen, status: sixth.status, ms: seen.ms };
      expect(seen.status).toBe(401);
      expect(seen.body).toEqual({ error: { code: "invalid_login", message: "wrong email or password" } });
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get("Retry-After"))).toBeGreaterThan(0);
    }
    const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[2];
    console.log(
      `keyless login, wrong password: known email median ${median(answers["known@shop.example"]!.ms)} ms, unknown email median ${median(answers["nobody@shop.example"]!.ms)} ms`,
    );
  });

  it("slows down wrong passwords sent at once as it does one after another", async () => {
    await createSite("kl-at-once");
    await join("kl-at-once", "rush@shop.example");
    await eventually(async () => {
      expect((await keyless({ email: "rush@shop.example", password: PASSWORD }, "198.51.100.70")).status).toBe(200);
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        keyless({ email: "rush@shop.example", password: `guess ${i}` }, "198.51.100.77"),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    // FREE_LOGIN_FAILURES wrong passwords are answered; the rest wait, as they would one by one.
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    // A right password after a wrong one still signs in, and clears the count it was held to.
    expect((await keyless({ email: "rush@shop.example", password: "wrong" }, "198.51.100.78")).status).toBe(401);
    expect((await keyless({ email: "rush@shop.example", password: PASSWORD }, "198.51.100.78")).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await keyless({ email: "rush@shop.example", password: "wrong" }, "198.51.100.78")).status).toBe(401);
  });

  it("keeps a site's newest team when an older list of it arrives after it", async () => {
    await createSite("kl-order");
    await join("kl-order", "late@shop.example");
    await eventually(async () =>
      expect((await keyless({ email: "late@shop.example", password: PASSWORD })).status).toBe(200),
    );
    // Each publish goes through a stub of its own, and calls through different stubs may
    // arrive in any order: the list sent before she joined comes last.
    const older = await deployment().setSiteOperators("kl-order", ["owner@kl-order.example"], 1);
    expect(older).toBe(false);
    const res = await keyless({ email: "late@shop.example", password: PASSWORD });
    expect((await expectJson(res, 200)).siteKey).toBe("kl-order");
  });

  it("sends the team again at the next session check when the directory did not take its newest list", async () => {
    await createSite("kl-retry");
    const owner = await login("kl-retry");
    await join("kl-retry", "again@shop.example");
    await eventually(async () =>
      expect((await keyless({ email: "again@shop.example", password: PASSWORD })).status).toBe(200),
    );
    // What a failed call leaves: the directory without the list, the site with its newest
    // list sent and not taken.
    await runInDurableObject(deployment() as DurableObjectStub, async (_instance, state) => {
      state.storage.sql.exec("DELETE FROM operator_sites WHERE site_key = 'kl-retry'");
      state.storage.sql.exec("DELETE FROM operator_site_versions WHERE site_key = 'kl-retry'");
    });
    await runInDurableObject(siteStub(env, "kl-retry") as DurableObjectStub, async (_instance, state) => {
      // Sent a while ago (a list on its way is not sent again by every session check).
      state.storage.sql.exec("UPDATE settings SET value = '1' WHERE key = 'operator_directory_at'");
      state.storage.sql.exec("UPDATE settings SET value = '2' WHERE key = 'operator_directory_sent'");
    });
    expect((await keyless({ email: "again@shop.example", password: PASSWORD })).status).toBe(401);
    await expectJson(call("GET", "/me", owner), 200);
    await eventually(async () => {
      const res = await keyless({ email: "again@shop.example", password: PASSWORD });
      expect((await expectJson(res, 200)).siteKey).toBe("kl-retry");
    });
  });

  it("refuses a malformed site key or email with the usual answers", async () => {
    expect((await keyless({ email: "x@shop.example", password: "p", siteKey: "Not A Key" })).status).toBe(401);
    const bad = await keyless({ email: "not an email", password: "p" });
    expect(bad.status).toBe(400);
  });
});
