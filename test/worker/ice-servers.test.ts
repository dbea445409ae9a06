import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectJson } from "./admin-helpers";
import { BASE, ORIGIN, createSite, login, startSession, visitorSocket } from "./helpers";

const SITE = "ice-shop";
const OFF_SITE = "ice-off-shop";
let cookie: string;
let offCookie: string;

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await expectJson(call("PUT", "/settings", cookie, { video: { enabled: true } }), 200);
  await createSite(OFF_SITE);
  offCookie = await login(OFF_SITE);
});

function visitorIce(id: string, token?: string) {
  const query = token === undefined ? "" : `?token=${encodeURIComponent(token)}`;
  return SELF.fetch(`${BASE}/api/v1/conversations/${id}/ice-servers${query}`, { headers: { Origin: ORIGIN } });
}

describe("ICE servers", () => {
  it("gives the visitor STUN only when no TURN key is set, readable from the shop's page and never cached", async () => {
    const grant = await startSession(SITE);
    const res = await visitorIce(grant.conversationId, grant.visitorToken);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await expectJson(res, 200)).toEqual({
      iceServers: [{ urls: ["stun:stun.cloudflare.com:3478"] }],
      ttl: null,
    });
  });

  it("gives an operator the same for a conversation of their site", async () => {
    const grant = await startSession(SITE);
    const body = await expectJson(call("GET", `/conversations/${grant.conversationId}/ice-servers`, cookie), 200);
    expect(body.iceServers[0].urls).toEqual(["stun:stun.cloudflare.com:3478"]);
  });

  it("refuses a missing or wrong token, another site's conversation, and sites with video off", async () => {
    const grant = await startSession(SITE);
    expect((await expectJson(visitorIce(grant.conversationId), 401)).error.code).toBe("missing_token");
    expect((await expectJson(visitorIce(grant.conversationId, "forged"), 401)).error.code).toBe("invalid_token");
    const other = await startSession(SITE);
    expect((await expectJson(visitorIce(other.conversationId, grant.visitorToken), 403)).error.code).toBe(
      "wrong_conversation",
    );
    // Another site's operator, even with a real conversation id.
    await (await visitorSocket(grant)).hello();
    expect(
      (await expectJson(call("GET", `/conversations/${grant.conversationId}/ice-servers`, offCookie), 404)).error.code,
    ).toBe("not_found");

    const off = await startSession(OFF_SITE);
    const refused = await expectJson(visitorIce(off.conversationId, off.visitorToken), 403);
    expect(refused.error).toMatchObject({
      code: "video_disabled",
      message: "video calls are turned off for this site",
    });
    expect(
      (await expectJson(call("GET", `/conversations/${off.conversationId}/ice-servers`, offCookie), 403)).error.code,
    ).toBe("video_disabled");
  });
});
