/**
 * Accounts: secrets in email stay with their recipient (no takeover through the outbox),
 * links are built from PUBLIC_URL whatever the Host, and only the owner makes admins.
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { addOperator, call, captureMail, expectJson, mailboxOf } from "../worker/admin-helpers";
import { BASE, createSite, login, OWNER, post } from "../worker/helpers";
import { tally } from "./tally";

const SITE = "sec-accounts";
const t = tally("accounts (outbox secrets, reset/invite links, roles)");
let owner: string;
let admin: Awaited<ReturnType<typeof addOperator>>;

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
  admin = await addOperator(SITE, owner, "admin");
});

describe("an admin cannot take over the owner", () => {
  it("a reset the admin asks for the owner is redacted in the outbox; REDACTED is no token", async () => {
    await expectJson(call("POST", "/password-reset", null, { siteKey: SITE, email: OWNER.email }), 200);
    const { messages } = await expectJson(call("GET", "/outbox", admin.cookie), 200);
    const reset = messages.find((m: any) => m.kind === "password_reset" && m.to === OWNER.email);
    expect(reset.message.text).toContain("token=REDACTED");
    const everything = JSON.stringify(reset)
      .replace(/=\\r\\n/g, "")
      .replace(/=3D/g, "=");
    t.probe(!/token=(?!REDACTED)/.test(everything));
    expect(everything).not.toMatch(/token=(?!REDACTED)/);
    const res = await call("POST", "/password-reset/complete", null, {
      siteKey: SITE,
      token: "REDACTED",
      password: "the admin's new password",
    });
    t.status(res);
    expect(res.status).toBe(404);
    const asOwner = await post(
      "/api/v1/admin/login",
      { siteKey: SITE, email: OWNER.email, password: "the admin's new password" },
      { Origin: BASE },
    );
    t.status(asOwner);
    expect(asOwner.status).toBe(401);
  });

  it("the owner's own session sees the link; the invite an admin sends is redacted for the owner too", async () => {
    const mine = await mailboxOf(SITE, OWNER.email);
    expect(mine.find((m) => m.kind === "password_reset")!.message.text).toMatch(/token=[A-Za-z0-9_-]{20,}/);
    await expectJson(
      call("POST", "/team/invites", admin.cookie, { email: "newbie@shop.example", role: "operator" }),
      201,
    );
    for (const viewer of [owner, admin.cookie]) {
      const { messages } = await expectJson(call("GET", "/outbox", viewer), 200);
      const invite = messages.find((m: any) => m.kind === "invite" && m.to === "newbie@shop.example");
      t.probe(invite.message.text.includes("token=REDACTED") && !invite.message.html?.match(/token=(?!REDACTED)/));
      expect((invite.raw ?? "").replace(/=\r?\n/g, "")).not.toMatch(/token=3D(?!REDACTED)/);
    }
  });

  it("an admin cannot promote an operator to admin (only the owner makes admins)", async () => {
    const op = await addOperator(SITE, owner, "operator");
    const res = await call("PATCH", `/team/${op.id}`, admin.cookie, { role: "admin" });
    t.status(res);
    expect((await expectJson(res, 403)).error.fields.role).toMatch(/only the owner/);
    await expectJson(call("PATCH", `/team/${op.id}`, owner, { role: "admin" }), 200);
  });
});

describe("links come from PUBLIC_URL, not the Host header", () => {
  it("a reset asked through a forged Host still links to PUBLIC_URL", async () => {
    const mail = await captureMail(SITE);
    for (const host of ["https://evil.example", "https://chat.example.evil.example"]) {
      const res = await SELF.fetch(`${host}/api/v1/admin/password-reset`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: host },
        body: JSON.stringify({ siteKey: SITE, email: admin.email }),
      });
      expect(res.status).toBe(200);
    }
    const sent = (await mail.sent()).filter((m) => m.kind === "password_reset");
    expect(sent).toHaveLength(2);
    for (const m of sent) {
      const link = new URL(m.text.match(/https?:\/\/\S+/)![0]);
      t.probe(link.origin === BASE);
      expect(link.origin).toBe(BASE);
    }
  });
});

describe("login lockout", () => {
  const attempt = (email: string, password: string, ip: string) =>
    post("/api/v1/admin/login", { siteKey: SITE, email, password }, { Origin: BASE, "CF-Connecting-IP": ip });

  it("a stranger's wrong passwords slow the stranger down, not the owner", async () => {
    for (let i = 0; i < 5; i++) expect((await attempt(OWNER.email, `wrong ${i}`, "192.0.2.66")).status).toBe(401);
    const locked = await attempt(OWNER.email, OWNER.password, "192.0.2.66");
    t.status(locked);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("Retry-After")).toBeTruthy();
    expect((await attempt(OWNER.email, OWNER.password, "192.0.2.10")).status).toBe(200);
  });

  it("one password against many emails from one client is slowed down", async () => {
    let refused = 0;
    for (let i = 0; i < 25; i++) {
      const res = await attempt(`guess${i}@shop.example`, "Summer2024!", "192.0.2.77");
      if (i >= 20) t.status(res);
      if (res.status === 429) refused++;
    }
    expect(refused).toBe(5);
  });
});
