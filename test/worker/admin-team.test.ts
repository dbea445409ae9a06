import { beforeAll, describe, expect, it } from "vitest";
import { OWNER, createSite, login, post, BASE } from "./helpers";
import { addOperator, call, captureMail, expectJson, linkIn } from "./admin-helpers";

const SITE = "team-shop";
let owner: string;

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
});

describe("invites", () => {
  it("emails a link that lets the invitee join with the invited role", async () => {
    const mail = await captureMail(SITE);
    const { invite } = await expectJson(
      call("POST", "/team/invites", owner, { email: "ann@shop.example", name: "Ann", role: "operator" }),
      201,
    );
    expect(invite).toMatchObject({ email: "ann@shop.example", role: "operator" });
    const sent = await mail.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: "ann@shop.example", toName: "Ann", kind: "invite" });
    const link = linkIn(sent[0]!);
    expect(link.origin + link.pathname).toBe(`${BASE}/admin/accept-invite`);
    expect(link.searchParams.get("site")).toBe(SITE);

    const token = link.searchParams.get("token")!;
    const info = await expectJson(call("GET", `/invites/info?site=${SITE}&token=${token}`, null), 200);
    expect(info).toEqual({
      email: "ann@shop.example",
      name: "Ann",
      role: "operator",
      siteName: `Shop ${SITE}`,
      siteKey: SITE,
    });

    const res = await call("POST", "/invites/accept", null, {
      siteKey: SITE,
      token,
      name: "Ann",
      password: "ann's long password",
    });
    expect((await expectJson(res, 200)).operator).toMatchObject({
      email: "ann@shop.example",
      role: "operator",
      name: "Ann",
    });
    expect(res.headers.get("Set-Cookie")).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
    const cookie = res.headers.get("Set-Cookie")!.split(";")[0]!;
    expect((await expectJson(call("GET", "/me", cookie), 200)).operator.role).toBe("operator");

    const again = await call("POST", "/invites/accept", null, {
      siteKey: SITE,
      token,
      name: "Eve",
      password: "another long password",
    });
    expect((await expectJson(again, 404)).error.code).toBe("invalid_invite");
  });

  it("goes through the site's mailer: the invite is in the local outbox", async () => {
    await createSite("outbox-team-shop");
    const own = await login("outbox-team-shop");
    await expectJson(call("POST", "/team/invites", own, { email: "out@shop.example", role: "operator" }), 201);
    const { messages } = await expectJson(call("GET", "/outbox", own), 200);
    const invite = messages.find((m: any) => m.kind === "invite");
    expect(invite).toMatchObject({ to: "out@shop.example" });
    expect(invite.message.text).toMatch(/\/admin\/accept-invite\?site=outbox-team-shop&token=/);
  });

  it("names the wrong fields of an invite and of its acceptance", async () => {
    const bad = await expectJson(call("POST", "/team/invites", owner, { email: "not-an-email", role: "boss" }), 400);
    expect(bad.error.fields).toEqual({ email: "not a valid email address", role: "role is admin or operator" });
    const taken = await expectJson(call("POST", "/team/invites", owner, { email: OWNER.email, role: "operator" }), 409);
    expect(taken.error.fields.email).toMatch(/already on the team/);
    const short = await expectJson(
      call("POST", "/invites/accept", null, { siteKey: SITE, token: "x", name: "", password: "short" }),
      400,
    );
    expect(short.error.fields).toMatchObject({
      name: "name is required",
      password: "password must be at least 10 characters",
    });
  });

  it("lists and revokes pending invites; a revoked link stops working", async () => {
    const mail = await captureMail(SITE);
    const { invite } = await expectJson(
      call("POST", "/team/invites", owner, { email: "bob@shop.example", role: "operator" }),
      201,
    );
    const list = await expectJson(call("GET", "/team/invites", owner), 200);
    expect(list.invites.map((i: any) => i.email)).toContain("bob@shop.example");
    await expectJson(call("DELETE", `/team/invites/${invite.id}`, owner), 200);
    const token = linkIn((await mail.sent())[0]!).searchParams.get("token");
    expect((await expectJson(call("GET", `/invites/info?site=${SITE}&token=${token}`, null), 404)).error.code).toBe(
      "invalid_invite",
    );
  });

  it("lets only owner and admin invite, and only the owner invite an admin", async () => {
    const op = await addOperator(SITE, owner, "operator");
    const admin = await addOperator(SITE, owner, "admin");
    expect(
      (await expectJson(call("POST", "/team/invites", op.cookie, { email: "x@shop.example", role: "operator" }), 403))
        .error.code,
    ).toBe("forbidden");
    await expectJson(call("POST", "/team/invites", admin.cookie, { email: "y@shop.example", role: "operator" }), 201);
    const noAdmin = await expectJson(
      call("POST", "/team/invites", admin.cookie, { email: "z@shop.example", role: "admin" }),
      403,
    );
    expect(noAdmin.error.fields.role).toMatch(/only the owner/);
  });
});

describe("roles", () => {
  it("lets owner and admin change roles and capacity, within the rules", async () => {
    const op = await addOperator(SITE, owner, "operator");
    const admin = await addOperator(SITE, owner, "admin");
    const team = (await expectJson(call("GET", "/team", op.cookie), 200)).operators;
    const ownerId = team.find((o: any) => o.role === "owner").id;
    expect(team.find((o: any) => o.id === op.id)).toMatchObject({ role: "operator", capacity: 5, online: false });

    expect(
      (await expectJson(call("PATCH", `/team/${admin.id}`, op.cookie, { role: "operator" }), 403)).error.code,
    ).toBe("forbidden");
    // One rule with invites: only the owner makes admins.
    const promote = await expectJson(
      call("PATCH", `/team/${op.id}`, admin.cookie, { role: "admin", capacity: 3 }),
      403,
    );
    expect(promote.error.fields.role).toMatch(/only the owner makes someone an admin/);
    const changed = await expectJson(call("PATCH", `/team/${op.id}`, owner, { role: "admin", capacity: 3 }), 200);
    expect(changed.operator).toMatchObject({ role: "admin", capacity: 3 });
    expect((await expectJson(call("GET", "/me", op.cookie), 200)).operator.role).toBe("admin");

    const own = await expectJson(call("PATCH", `/team/${admin.id}`, admin.cookie, { role: "operator" }), 403);
    expect(own.error.fields.role).toMatch(/your own role/);
    expect((await expectJson(call("PATCH", `/team/${ownerId}`, admin.cookie, { role: "admin" }), 403)).error.code).toBe(
      "owner_role",
    );
    expect(
      (await expectJson(call("PATCH", `/team/${op.id}`, owner, { role: "owner" }), 400)).error.fields.role,
    ).toMatch(/one owner/);
    const bad = await expectJson(call("PATCH", `/team/${op.id}`, owner, { capacity: -1, role: "king" }), 400);
    expect(bad.error.fields).toEqual({ capacity: "capacity is 0 or more", role: "role is owner, admin or operator" });
  });

  it("removes an operator and ends their sessions; never the owner", async () => {
    const op = await addOperator(SITE, owner, "operator");
    const admin = await addOperator(SITE, owner, "admin");
    const ownerId = (await expectJson(call("GET", "/me", owner), 200)).operator.id;
    expect((await expectJson(call("DELETE", `/team/${op.id}`, op.cookie), 403)).error.code).toBe("forbidden");
    expect((await expectJson(call("DELETE", `/team/${ownerId}`, admin.cookie), 403)).error.code).toBe("owner_role");
    await expectJson(call("DELETE", `/team/${op.id}`, admin.cookie), 200);
    expect((await call("GET", "/me", op.cookie)).status).toBe(401);
    const login = await post(
      "/api/v1/admin/login",
      { siteKey: SITE, email: op.email, password: op.password },
      { Origin: BASE },
    );
    expect(login.status).toBe(401);
  });

  it("refuses state-changing team requests from another origin (CSRF)", async () => {
    const res = await call(
      "POST",
      "/team/invites",
      owner,
      { email: "csrf@shop.example", role: "operator" },
      { Origin: "https://evil.example" },
    );
    expect((await expectJson(res, 403)).error.code).toBe("csrf");
    const del = await call("DELETE", "/sessions/0123456789abcdef", owner, undefined, {
      Origin: "https://evil.example",
    });
    expect(del.status).toBe(403);
  });
});

describe("sessions", () => {
  it("lists the operator's own sessions and ends one, the current one with its cookie", async () => {
    await createSite("sessions-shop");
    const a = await login("sessions-shop");
    const b = await login("sessions-shop");
    const { sessions } = await expectJson(call("GET", "/sessions", a), 200);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ ip: null, userAgent: null });
    const current = sessions.find((s: any) => s.current);
    const other = sessions.find((s: any) => !s.current);
    expect(current.id).toMatch(/^[0-9a-f]{16}$/);
    await expectJson(call("DELETE", `/sessions/${other.id}`, a), 200);
    const ended = await call("DELETE", `/sessions/${current.id}`, a);
    expect((await expectJson(ended, 200)).current).toBe(true);
    expect(ended.headers.get("Set-Cookie")).toMatch(/edgechat_session=;/);
    expect((await call("GET", "/me", a)).status).toBe(401);
    expect((await call("GET", "/me", b)).status).toBe(401);
    const c = await login("sessions-shop");
    expect((await expectJson(call("DELETE", "/sessions/ffffffffffffffff", c), 404)).error.code).toBe("not_found");
  });
});

describe("password reset", () => {
  it("emails a single-use link that sets a new password and ends old sessions", async () => {
    await createSite("reset-shop");
    const old = await login("reset-shop");
    const mail = await captureMail("reset-shop");
    await expectJson(call("POST", "/password-reset", null, { siteKey: "reset-shop", email: OWNER.email }), 200);
    const sent = await mail.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: OWNER.email, kind: "password_reset" });
    const link = linkIn(sent[0]!);
    expect(link.pathname).toBe("/admin/reset-password");
    const token = link.searchParams.get("token");

    const weak = await expectJson(
      call("POST", "/password-reset/complete", null, { siteKey: "reset-shop", token, password: "short" }),
      400,
    );
    expect(weak.error.fields.password).toMatch(/at least 10/);
    await expectJson(
      call("POST", "/password-reset/complete", null, {
        siteKey: "reset-shop",
        token,
        password: "a brand new password",
      }),
      200,
    );
    expect((await call("GET", "/me", old)).status).toBe(401);
    const reuse = await call("POST", "/password-reset/complete", null, {
      siteKey: "reset-shop",
      token,
      password: "yet another password",
    });
    expect((await expectJson(reuse, 404)).error.code).toBe("invalid_reset");
    await login("reset-shop", { email: OWNER.email, password: "a brand new password" });
  });

  it("answers the same for unknown emails and sites, and stops mailing after a few requests", async () => {
    await createSite("reset-limit-shop");
    const mail = await captureMail("reset-limit-shop");
    for (const body of [
      { siteKey: "reset-limit-shop", email: "nobody@shop.example" },
      { siteKey: "no-such-shop", email: OWNER.email },
    ]) {
      expect(await expectJson(call("POST", "/password-reset", null, body), 200)).toEqual({ ok: true });
    }
    expect(await mail.sent()).toHaveLength(0);
    for (let i = 0; i < 5; i++)
      await expectJson(call("POST", "/password-reset", null, { siteKey: "reset-limit-shop", email: OWNER.email }), 200);
    expect(await mail.sent()).toHaveLength(3);
  });
});
