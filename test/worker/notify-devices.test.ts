/**
 * An operator who leaves the team, changes role or resets their password stops being reachable
 * away from the admin; a device whose key no push could be encrypted for is refused up front.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { siteStub } from "../../worker/lib/jurisdiction";
import { addOperator, call, deviceKeys, expectJson } from "./admin-helpers";
import { createSite, login } from "./helpers";

/** Subscribes a device and links a Telegram account for the operator behind `cookie`. */
async function reachable(siteKey: string, cookie: string, operatorId: string, tgUser: number) {
  await expectJson(
    call("POST", "/push/subscriptions", cookie, {
      endpoint: `https://push.example/${operatorId}`,
      keys: await deviceKeys(),
    }),
    201,
  );
  await runInDurableObject(siteStub(env, siteKey) as unknown as DurableObjectStub, async (_i, state) => {
    state.storage.sql.exec(
      "INSERT INTO telegram_links (operator_id, user_id, chat_id, username, linked_at) VALUES (?, ?, ?, NULL, ?)",
      operatorId,
      tgUser,
      tgUser,
      Date.now(),
    );
  });
  const settings = await expectJson(call("GET", "/notifications", cookie), 200);
  expect(settings.push.devices).toBe(1);
  expect(settings.telegram.linked).toBe(true);
}

async function reachOf(siteKey: string, operatorId: string) {
  return runInDurableObject(siteStub(env, siteKey) as unknown as DurableObjectStub, async (_i, state) => {
    const sql = state.storage.sql;
    const count = (table: string) =>
      sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE operator_id = ?`, operatorId).one().n;
    return { devices: count("push_subscriptions"), telegram: count("telegram_links") };
  });
}

describe("an operator's devices", () => {
  it("are deleted when the operator is removed from the team", async () => {
    await createSite("devices-remove");
    const owner = await login("devices-remove");
    const op = await addOperator("devices-remove", owner, "operator");
    await reachable("devices-remove", op.cookie, op.id, 7001);
    await expectJson(call("DELETE", `/team/${op.id}`, owner), 200);
    expect(await reachOf("devices-remove", op.id)).toEqual({ devices: 0, telegram: 0 });
  });

  it("are deleted when the operator's role changes, and others keep theirs", async () => {
    await createSite("devices-role");
    const owner = await login("devices-role");
    const admin = await addOperator("devices-role", owner, "admin");
    const op = await addOperator("devices-role", owner, "operator");
    await reachable("devices-role", admin.cookie, admin.id, 7002);
    await reachable("devices-role", op.cookie, op.id, 7003);
    await expectJson(call("PATCH", `/team/${admin.id}`, owner, { role: "operator" }), 200);
    expect(await reachOf("devices-role", admin.id)).toEqual({ devices: 0, telegram: 0 });
    expect(await reachOf("devices-role", op.id)).toEqual({ devices: 1, telegram: 1 });
    // A name change is no reason to forget anything.
    await expectJson(call("PATCH", `/team/${op.id}`, owner, { name: "Renamed" }), 200);
    expect(await reachOf("devices-role", op.id)).toEqual({ devices: 1, telegram: 1 });
  });
});

describe("a device's subscription", () => {
  it("is refused when its p256dh is not a point on P-256: no push could ever be encrypted for it", async () => {
    await createSite("devices-key");
    const owner = await login("devices-key");
    const good = await deviceKeys();
    // 65 bytes starting 0x04, the shape of a key, but not a point on the curve.
    const offCurve = new Uint8Array(65).fill(7);
    offCurve[0] = 4;
    const b64 = btoa(String.fromCharCode(...offCurve))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    const body = await expectJson(
      call("POST", "/push/subscriptions", owner, {
        endpoint: "https://push.example/off-curve",
        keys: { ...good, p256dh: b64 },
      }),
      400,
    );
    expect(Object.keys(body.error.fields)).toEqual(["keys.p256dh"]);
    expect((await expectJson(call("GET", "/notifications", owner), 200)).push.devices).toBe(0);
  });
});
