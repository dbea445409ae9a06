import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, createSite, login, post } from "./helpers";
import { addOperator, call, expectJson } from "./admin-helpers";

const SITE = "settings-shop";
let owner: string;
let admin: { cookie: string; id: string };
let operator: { cookie: string; id: string };

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
  admin = await addOperator(SITE, owner, "admin", "Ada Admin");
  operator = await addOperator(SITE, owner, "operator", "Oleg Operator");
});

/** HMAC-SHA256(secret, userId) in hex, as a shop computes it. */
async function identityHash(secret: string, userId: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(userId)));
  return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
}

describe("site settings", () => {
  it("lets every operator read them, and only owner/admin change them", async () => {
    const { settings } = await expectJson(call("GET", "/settings", operator.cookie), 200);
    expect(settings).toMatchObject({ name: `Shop ${SITE}`, allowedOrigins: [ORIGIN], look: { color: "#2563eb" } });
    const denied = await expectJson(call("PUT", "/settings", operator.cookie, { name: "Mine now" }), 403);
    expect(denied.error.code).toBe("forbidden");
    const changed = await expectJson(
      call("PUT", "/settings", admin.cookie, { look: { color: "#ff0066", greeting: "Hi!" } }),
      200,
    );
    expect(changed.settings.look).toMatchObject({ color: "#ff0066", greeting: "Hi!", position: "right" });
    expect(changed.settings.name).toBe(`Shop ${SITE}`);
  });

  it("answers a bad form with a message per field", async () => {
    const res = await expectJson(
      call("PUT", "/settings", owner, {
        name: "",
        allowedOrigins: ["https://ok.example", "shop.example/path"],
        timezone: "Mars/Olympus",
        look: { color: "red", position: "middle" },
      }),
      400,
    );
    expect(res.error.code).toBe("invalid_body");
    expect(res.error.fields).toMatchObject({
      name: "name is required",
      "allowedOrigins.1": expect.stringMatching(/scheme:\/\/host/),
      timezone: "unknown timezone",
      "look.color": "color is #RRGGBB",
      "look.position": expect.any(String),
    });
    const unknown = await expectJson(call("PUT", "/settings", owner, { secret: "x" }), 400);
    expect(Object.keys(unknown.error.fields)).toEqual(["_"]);
  });

  it("changes the allowed origins the sessions endpoint checks", async () => {
    await expectJson(call("PUT", "/settings", owner, { allowedOrigins: [ORIGIN, "https://second.example"] }), 200);
    const res = await post(`/api/v1/sites/${SITE}/sessions`, {}, { Origin: "https://second.example" });
    expect(res.status).toBe(200);
  });
});

describe("identity secret", () => {
  it("is shown once when rotated, and the old one stops verifying", async () => {
    const { identitySecret } = await expectJson(call("POST", "/settings/identity-secret", owner), 200);
    expect(identitySecret).toMatch(/^[0-9a-f]{64}$/);
    const { settings } = await expectJson(call("GET", "/settings", owner), 200);
    expect(JSON.stringify(settings)).not.toContain(identitySecret);
    const hash = await identityHash(identitySecret, "user-1");
    const ok = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { identity: { userId: "user-1", hash } },
      { Origin: ORIGIN },
    );
    expect(ok.status).toBe(200);
    await expectJson(call("POST", "/settings/identity-secret", admin.cookie), 200);
    // The old secret keeps working for the grace period (no downtime for the shop)…
    const during = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { identity: { userId: "user-1", hash } },
      { Origin: ORIGIN },
    );
    expect(during.status).toBe(200);
    // …and is refused once the grace period is over.
    await runInDurableObject(env.SITE.get(env.SITE.idFromName(SITE)) as DurableObjectStub, (_i, state) => {
      state.storage.sql.exec("DELETE FROM settings WHERE key = 'identity_secret_previous'");
    });
    const stale = await post(
      `/api/v1/sites/${SITE}/sessions`,
      { identity: { userId: "user-1", hash } },
      { Origin: ORIGIN },
    );
    expect(stale.status).toBe(401);
    expect((await expectJson(call("POST", "/settings/identity-secret", operator.cookie), 403)).error.code).toBe(
      "forbidden",
    );
  });
});

describe("departments and routing settings", () => {
  it("creates, renames and deletes departments with their operators", async () => {
    const made = await expectJson(
      call("POST", "/departments", owner, { name: "Sales", operatorIds: [operator.id] }),
      201,
    );
    expect(made.department).toMatchObject({ name: "Sales", operatorIds: [operator.id] });
    const clash = await expectJson(call("POST", "/departments", owner, { name: "sales" }), 409);
    expect(clash.error.fields.name).toMatch(/exists already/);
    const ru = await expectJson(call("POST", "/departments", owner, { name: "Возвраты" }), 201);
    const clashRu = await expectJson(call("POST", "/departments", owner, { name: "возвраты" }), 409);
    expect(clashRu.error.fields.name).toMatch(/exists already/);
    // A pair saved before this check (the column folds only Latin letters) stays editable.
    await runInDurableObject(env.SITE.get(env.SITE.idFromName(SITE)) as DurableObjectStub, (_i, state) => {
      state.storage.sql.exec("INSERT INTO departments (id, name, created_at) VALUES ('dep_old_pair', 'ВОЗВРАТЫ', 1)");
    });
    await expectJson(
      call("PUT", `/departments/${ru.department.id}`, owner, { name: "Возвраты", operatorIds: [] }),
      200,
    );
    await expectJson(call("DELETE", "/departments/dep_old_pair", owner), 200);
    await expectJson(call("DELETE", `/departments/${ru.department.id}`, owner), 200);
    const unknown = await expectJson(
      call("POST", "/departments", owner, { name: "Support", operatorIds: ["op_nobody"] }),
      400,
    );
    expect(unknown.error.fields.operatorIds).toMatch(/op_nobody/);
    const empty = await expectJson(call("POST", "/departments", owner, { name: " " }), 400);
    expect(empty.error.fields.name).toBe("name is required");
    const id = made.department.id;
    await expectJson(
      call("PUT", `/departments/${id}`, admin.cookie, { name: "Sales EU", operatorIds: [operator.id, admin.id] }),
      200,
    );
    const list = (await expectJson(call("GET", "/departments", operator.cookie), 200)).departments;
    expect(list.find((d: any) => d.id === id).operatorIds.sort()).toEqual([operator.id, admin.id].sort());
    const team = (await expectJson(call("GET", "/team", operator.cookie), 200)).operators;
    expect(team.find((o: any) => o.id === operator.id).departmentIds).toEqual([id]);
    expect((await call("POST", "/departments", operator.cookie, { name: "Mine" })).status).toBe(403);
    await expectJson(call("DELETE", `/departments/${id}`, owner), 200);
    expect((await expectJson(call("DELETE", `/departments/${id}`, owner), 404)).error.code).toBe("not_found");
  });

  it("keeps routing settings, checking the default department", async () => {
    expect((await expectJson(call("GET", "/routing", operator.cookie), 200)).routing).toEqual({
      auto: false,
      defaultDepartmentId: null,
    });
    const bad = await expectJson(call("PUT", "/routing", owner, { auto: "yes", defaultDepartmentId: "dep_x" }), 400);
    expect(bad.error.fields.auto).toBeTruthy();
    const unknown = await expectJson(call("PUT", "/routing", owner, { auto: true, defaultDepartmentId: "dep_x" }), 400);
    expect(unknown.error.fields.defaultDepartmentId).toBe("no such department");
    await expectJson(call("PUT", "/routing", owner, { auto: true }), 200);
    expect((await call("PUT", "/routing", operator.cookie, { auto: false })).status).toBe(403);
  });
});

describe("canned responses", () => {
  it("are managed by owner/admin and read by everyone, shortcuts unique", async () => {
    const made = await expectJson(
      call("POST", "/canned", admin.cookie, { shortcut: "ship", title: "Shipping", text: "We ship in 2 days." }),
      201,
    );
    expect(made.canned).toMatchObject({ shortcut: "ship", text: "We ship in 2 days." });
    const taken = await expectJson(call("POST", "/canned", owner, { shortcut: "SHIP", text: "dup" }), 409);
    expect(taken.error.fields.shortcut).toMatch(/used by another/);
    const bad = await expectJson(call("POST", "/canned", owner, { shortcut: "has space", text: "   " }), 400);
    expect(bad.error.fields).toEqual({
      shortcut: "shortcut uses letters, digits, _ and - only",
      text: "text is empty",
    });
    await expectJson(call("POST", "/canned", owner, { shortcut: "доставка", text: "Доставим за 2 дня." }), 201);
    // Case is ignored beyond ASCII too: the composer would offer both for /доставка.
    const takenRu = await expectJson(call("POST", "/canned", owner, { shortcut: "Доставка", text: "Дубль." }), 409);
    expect(takenRu.error.fields.shortcut).toMatch(/used by another/);
    const list = (await expectJson(call("GET", "/canned", operator.cookie), 200)).canned;
    expect(list.map((c: any) => c.shortcut)).toEqual(["ship", "доставка"]);
    expect((await call("POST", "/canned", operator.cookie, { shortcut: "x", text: "y" })).status).toBe(403);
    await expectJson(
      call("PUT", `/canned/${made.canned.id}`, owner, { shortcut: "ship", text: "We ship in 1 day." }),
      200,
    );
    await expectJson(call("DELETE", `/canned/${made.canned.id}`, owner), 200);
  });
});

describe("audit log", () => {
  it("records who changed what and when, for the owner only", async () => {
    const { entries } = await expectJson(call("GET", "/audit", owner), 200);
    const actions = entries.map((e: any) => e.action);
    for (const a of [
      "settings.update",
      "secret.rotate",
      "department.create",
      "department.update",
      "department.delete",
      "routing.update",
      "canned.create",
      "canned.update",
      "canned.delete",
      "invite.create",
      "operator.join",
    ]) {
      expect(actions, a).toContain(a);
    }
    const look = entries.find((e: any) => e.action === "settings.update" && e.details["look.color"]);
    expect(look).toMatchObject({
      actor: { id: admin.id, name: "Ada Admin" },
      details: { "look.color": { from: "#2563eb", to: "#ff0066" } },
    });
    expect(look.at).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(entries)).not.toMatch(/[0-9a-f]{64}/); // no secret in the log
    const page = await expectJson(call("GET", `/audit?before=${entries[1].id}`, owner), 200);
    expect(page.entries[0].id).toBe(entries[2].id);
    expect((await expectJson(call("GET", "/audit", admin.cookie), 403)).error.code).toBe("forbidden");
    expect((await call("GET", "/audit", operator.cookie)).status).toBe(403);
  });
});
