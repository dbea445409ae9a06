/**
 * TURN credentials for calls against the real Worker and a local stand-in for Cloudflare
 * Realtime's credentials API: each request mints fresh credentials with the documented
 * call (Bearer key API token, `{ttl}`), the browser gets the minted ones without port 53,
 * and neither the key id's token nor anything but the minted pair ever reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTurn, TURN_KEY_API_TOKEN, TURN_KEY_ID, type FakeTurn } from "./support/fake-turn";
import { OwnerClient, startServerWith, type LocalServer } from "./support/node-clients";

let server: LocalServer;
let turn: FakeTurn;
let owner: OwnerClient;

beforeAll(async () => {
  turn = await startFakeTurn();
  server = await startServerWith({ TURN_KEY_ID, TURN_KEY_API_TOKEN, TURN_API_URL: turn.url });
  owner = await OwnerClient.login(server);
  expect((await owner.api("PUT", "/settings", { video: { enabled: true } })).status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
  await turn?.close();
});

async function visitorGrant(): Promise<{ visitorToken: string; conversationId: string }> {
  const res = await fetch(`${server.url}/api/v1/sites/demo/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: "{}",
  });
  return (await res.json()) as { visitorToken: string; conversationId: string };
}

describe("TURN credentials", () => {
  it("mints short-lived credentials per request with the documented call, and keeps the key secret", async () => {
    const grant = await visitorGrant();
    const url = `${server.url}/api/v1/conversations/${grant.conversationId}/ice-servers?token=${encodeURIComponent(grant.visitorToken)}`;
    const res = await fetch(url, { headers: { Origin: server.url } });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain(TURN_KEY_API_TOKEN);
    expect(text).not.toContain(TURN_KEY_ID);
    const body = JSON.parse(text);
    expect(body.ttl).toBe(14_400);
    expect(body.iceServers[1]).toMatchObject({ username: "minted-user-1", credential: "minted-credential-1" });
    const urls = body.iceServers.flatMap((s: any) => s.urls);
    expect(urls).toContain("turns:turn.cloudflare.com:443?transport=tcp");
    expect(urls.some((u: string) => /:53(\?|$)/.test(u))).toBe(false);

    expect(turn.calls).toHaveLength(1);
    expect(turn.calls[0]).toEqual({
      method: "POST",
      path: `/v1/turn/keys/${TURN_KEY_ID}/credentials/generate-ice-servers`,
      authorization: `Bearer ${TURN_KEY_API_TOKEN}`,
      contentType: "application/json",
      body: { ttl: 14_400 },
    });

    const forOperator = await owner.api("GET", `/conversations/${grant.conversationId}/ice-servers`);
    expect(forOperator.status).toBe(200);
    expect(forOperator.body.iceServers[1].username).toBe("minted-user-2");
    expect(turn.calls).toHaveLength(2);
  });

  it("mints nothing for a visitor without a valid token", async () => {
    const grant = await visitorGrant();
    const before = turn.calls.length;
    const res = await fetch(`${server.url}/api/v1/conversations/${grant.conversationId}/ice-servers?token=forged`);
    expect(res.status).toBe(401);
    expect(turn.calls.length).toBe(before);
  });
});
