/**
 * Issue 2: the local runtime keeps its data across a restart (npm start persists to
 * .wrangler/state), and a client that resumes with hello {lastSeq} gets exactly what it
 * missed while the runtime was down and after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import {
  demoSite,
  freePort,
  localVars,
  secret,
  seedSite,
  startLocal,
  type LocalServer,
} from "../../scripts/local-server.mjs";

const dir = mkdtempSync(path.join(os.tmpdir(), "edgechat-restart-"));
let server: LocalServer | null = null;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a socket, says hello, and returns the welcome and a way to send. */
async function socket(url: string): Promise<{ ws: WebSocket; next: (type: string) => Promise<any> }> {
  const ws = new WebSocket(url);
  const frames: any[] = [];
  ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`cannot open ${url}`));
  });
  const next = async (type: string) => {
    for (let i = 0; i < 100; i++) {
      const at = frames.findIndex((f) => f.type === type);
      if (at >= 0) return frames.splice(at, 1)[0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${type} frame: ${JSON.stringify(frames)}`);
  };
  return { ws, next };
}

test("history survives a restart of the local runtime; resume has no gap and no duplicate", async () => {
  const port = await freePort();
  const vars = { ...localVars(port), TOKEN_SECRET: secret(), ADMIN_TOKEN: secret() };
  server = await startLocal({ port, persistTo: dir, vars, quiet: true });
  await seedSite(server.url, vars.ADMIN_TOKEN!, demoSite("a long demo password"));
  // No auto-replies: this test counts seqs of its own messages.
  const login = await fetch(`${server.url}/api/v1/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: JSON.stringify({ siteKey: "demo", email: "owner@example.com", password: "a long demo password" }),
  });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const off = await fetch(`${server.url}/api/v1/admin/autoreply`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", Origin: server.url, Cookie: cookie },
    body: JSON.stringify({ schedule: { timezone: "UTC", week: {} }, rules: [] }),
  });
  expect(off.status).toBe(200);
  const session = (await (
    await fetch(`${server.url}/api/v1/sites/demo/sessions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: "{}",
    })
  ).json()) as any;
  const wsUrl = `${server.url.replace("http", "ws")}/api/v1/conversations/${session.conversationId}/ws?token=${session.visitorToken}`;

  const before = await socket(wsUrl);
  before.ws.send(JSON.stringify({ type: "hello", lastSeq: 0 }));
  await before.next("welcome");
  for (const [i, text] of ["one", "two", "three"].entries()) {
    before.ws.send(JSON.stringify({ type: "message", clientId: `m${i}`, text }));
    expect((await before.next("ack")).seq).toBe(i + 1);
  }
  before.ws.close();
  await server.stop();

  server = await startLocal({ port, persistTo: dir, vars, quiet: true });
  const after = await socket(wsUrl);
  after.ws.send(JSON.stringify({ type: "hello", lastSeq: 1 }));
  const welcome = await after.next("welcome");
  expect(welcome.messages.map((m: any) => [m.seq, m.text])).toEqual([
    [2, "two"],
    [3, "three"],
  ]);
  after.ws.send(JSON.stringify({ type: "message", clientId: "m2", text: "three" }));
  expect((await after.next("ack")).seq).toBe(3); // a resend after the restart is not stored twice
  after.ws.send(JSON.stringify({ type: "message", clientId: "m3", text: "four" }));
  expect((await after.next("ack")).seq).toBe(4);
  after.ws.close();
}, 180_000);
