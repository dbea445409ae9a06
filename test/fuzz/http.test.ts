/**
 * HTTP fuzz: at least 2,000 requests with mutated bodies, query strings, path parameters and
 * headers on every route of docs/api.md (and raw emails to the local email endpoint), while
 * a correct pair keeps chatting. No 5xx (but the documented 503s), every refusal the JSON
 * error envelope (an HTML page on the routes people open), and the pair loses nothing.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { seedSite } from "../../scripts/local-server.mjs";
import { pool, sleep } from "../load/peer.mjs";
import { startTarget, type Target } from "../load/target.mjs";
import { report } from "../reliability/support/report";
import { asText, brokenJson, HOSTILE_STRINGS, hostileValue, mutate, Random, SEED, wellFormed } from "./support/mutate";
import { ChattingPair } from "./support/pair";
import { rawExchange } from "./support/raw-socket";
import { ROUTES, type Route } from "./support/routes";

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);
const EMAILS = Number(process.env.FUZZ_EMAILS ?? 200);
let target: Target;
let pair: ChattingPair;
let fuzzCookie = "";
let shop: { siteKey: string; pluginSecret: string; identitySecret: string };
let replyTo = "";
const ids = { conversations: [] as string[], visitors: [] as string[] };

async function login(): Promise<string> {
  const res = await fetch(`${target.url}/api/v1/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: target.url },
    body: JSON.stringify({ siteKey: "demo", email: "owner@example.com", password: target.secrets.password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

beforeAll(async () => {
  target = await startTarget("edgechat");
  pair = await ChattingPair.open(target);
  fuzzCookie = await login(); // a session of its own: the fuzz may log it out
  const created = (await seedSite(target.url, target.secrets.ADMIN_TOKEN, {
    siteKey: "fuzzshop",
    ownerEmail: "o@fuzzshop.example",
    ownerPassword: "a long fuzz password",
    allowedOrigins: ["http://127.0.0.1:*"],
  })) as any;
  shop = { siteKey: "fuzzshop", pluginSecret: created.pluginSecret, identitySecret: created.identitySecret };
  // A decoy conversation with an email, answered at once: real ids, and a signed reply address.
  await target.admin("PUT", "/api/v1/admin/email-settings", { followupDelayMinutes: 0 }, 200);
  const decoy = await target.session({ trail: { landing: "https://shop.example/" } });
  const visitor = await target.openVisitor(decoy);
  await visitor.hello(0);
  visitor.send({ type: "message", clientId: "d-q", text: "Hello?" });
  await visitor.next("ack");
  visitor.send({ type: "contact", email: "decoy@example.com" });
  await visitor.next("contact");
  await visitor.close();
  const operator = await target.openOperator(decoy.conversationId);
  await operator.hello(0);
  operator.send({ type: "message", clientId: "d-a", text: "Hello, decoy." });
  await operator.next("ack");
  await operator.close();
  for (let i = 0; i < 100 && !replyTo; i++) {
    const out = (await target.admin("GET", "/api/v1/admin/outbox")).body.messages as any[];
    replyTo = out.find((m) => m.conversationId === decoy.conversationId)?.message.replyTo?.address ?? "";
    if (!replyTo) await sleep(200);
  }
  expect(replyTo).toMatch(/^reply\+/);
  ids.conversations.push(decoy.conversationId, pair.conversationId);
  ids.visitors.push(decoy.visitorId);
}, 120_000);

afterAll(async () => {
  await target?.stop();
});

/** A value for a path parameter: a real id or key, or something hostile (URL-encoded). */
function param(r: Random, name: string): string {
  const hostile = () =>
    r.chance(0.2)
      ? r.pick(["%ZZ", "%E0%A4%A", "%00", "%2e%2e", "..", "%2F", "%C0%AF", "%ED%A0%80"])
      : encodeURIComponent(
          wellFormed(asText(r.chance(0.5) ? r.pick(HOSTILE_STRINGS) : hostileValue(r)).slice(0, 3000)),
        );
  if (r.chance(0.35)) return hostile();
  switch (name) {
    case "siteKey":
      return r.pick(["demo", "fuzzshop", "eu-nowhere", "no-such-site", "a", "-x"]);
    case "id":
      return r.pick([...ids.conversations, r.hex(32), "0".repeat(64), r.hex(31)]);
    case "visitorId":
      return r.pick([...ids.visitors, `v_${r.hex(12)}`]);
    case "secret":
      return r.pick(["identity", "plugin", "admin"]);
    default:
      return r.pick([`op_${r.hex(8)}`, `${r.int(100)}`, r.hex(16)]);
  }
}

function query(r: Random, route: Route): string {
  if (r.chance(0.1))
    return r.pick([
      "?%",
      "?%%%&&==",
      "?a[b]=c&__proto__[x]=1&constructor[prototype][y]=2",
      `?${"a=1&".repeat(2000)}`,
      "?status=open&status=resolved",
      "?\u0000=\u0000",
    ]);
  const params = new URLSearchParams();
  for (const key of route.query ?? []) if (r.chance(0.8)) params.append(key, asText(hostileValue(r)).slice(0, 5000));
  if (r.chance(0.2)) params.append(r.pick(HOSTILE_STRINGS).slice(0, 20) || "k", asText(hostileValue(r)).slice(0, 200));
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** The body and its content type: mostly the valid one mutated, sometimes broken or odd. */
function body(r: Random, route: Route): { text?: string | Uint8Array<ArrayBuffer>; type?: string } {
  if (route.method === "GET" || route.method === "HEAD") return {};
  const valid = route.body ?? {};
  const k = r.int(20);
  if (k < 11) return { text: JSON.stringify(mutate(r, valid)), type: "application/json" };
  if (k < 14) return { text: brokenJson(r, valid), type: "application/json" };
  if (k < 15)
    return {
      text: JSON.stringify(valid),
      type: r.pick([
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
        "application/JSON; charset=utf-16",
        "application/json-patch+json",
      ]),
    };
  if (k < 16)
    return { text: JSON.stringify({ ...(valid as object), pad: "x".repeat(70_000) }), type: "application/json" };
  if (k < 17) return { text: new Uint8Array(Buffer.from(r.hex(64), "hex")), type: "application/json" };
  if (k < 18) return { text: "", type: "application/json" };
  return { text: JSON.stringify(valid), type: "application/json" };
}

/** Header values must be bytes: printable ASCII only (fetch refuses the rest before sending). */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

function sign(method: string, pathWithQuery: string, text: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", shop.pluginSecret)
    .update(`${ts}\n${method}\n${pathWithQuery}\n${text}`)
    .digest("hex");
  return { "X-Edgechat-Timestamp": ts, "X-Edgechat-Signature": signature };
}

interface Outcome {
  status: number;
  problem: string | null;
}

/** One fuzzed request; `problem` says what is wrong with the answer, if anything. */
async function fuzzRequest(r: Random): Promise<Outcome & { route: string }> {
  const route = r.pick(ROUTES);
  let method = route.method;
  if (r.chance(0.04)) method = r.pick(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
  let apiPath = route.path.replace(/:(\w+)/g, (_, name: string) => param(r, name));
  if (route.auth === "plugin" && r.chance(0.7))
    apiPath = apiPath.replace(/\/sites\/[^/]+\//, `/sites/${shop.siteKey}/`);
  const pathWithQuery = `${apiPath}${query(r, route)}`;
  const { text, type } = method === "GET" || method === "HEAD" ? {} : body(r, route);
  const headers: Record<string, string> = {};
  if (type) headers["Content-Type"] = type;
  const right = r.chance(0.85);
  if (route.auth === "cookie" && right) headers.Cookie = fuzzCookie;
  if (route.auth === "cookie" && !right && r.chance(0.5))
    headers.Cookie = r.pick([
      "edgechat_session=demo.x",
      "edgechat_session=",
      `edgechat_session=${encodeURIComponent(wellFormed(r.pick(HOSTILE_STRINGS)))}`,
      "edgechat_session=..",
    ]);
  if (route.auth === "admin")
    headers.Authorization = right
      ? `Bearer ${target.secrets.ADMIN_TOKEN}`
      : r.pick(["Bearer x", "Basic eA==", "Bearer ", `Bearer ${"x".repeat(5000)}`]);
  if (route.auth === "plugin" && right)
    Object.assign(headers, sign(method, pathWithQuery, typeof text === "string" ? text : ""));
  if (route.auth === "plugin" && !right)
    Object.assign(headers, {
      "X-Edgechat-Timestamp": headerSafe(asText(hostileValue(r)).slice(0, 50)),
      "X-Edgechat-Signature": r.hex(32),
    });
  headers.Origin = r.chance(0.9) ? target.url : r.pick(["https://evil.example", "null", ""]);
  if (!headers.Origin) delete headers.Origin;
  if (route.path.endsWith("/sessions") && route.method === "POST" && r.chance(0.2) && text !== undefined) {
    // A correctly signed identity: the fuzz reaches past the hash check.
    const userId = asText(r.chance(0.5) ? r.int(1000) : hostileValue(r)).slice(0, 200);
    const hash = createHmac("sha256", shop.identitySecret).update(userId).digest("hex");
    return send(
      route,
      method,
      `/api/v1/sites/fuzzshop/sessions`,
      headers,
      JSON.stringify({ identity: { userId, email: r.pick(HOSTILE_STRINGS), name: r.pick(HOSTILE_STRINGS), hash } }),
    );
  }
  return send(route, method, pathWithQuery, headers, text);
}

async function send(
  route: Route,
  method: string,
  pathWithQuery: string,
  headers: Record<string, string>,
  text?: string | Uint8Array<ArrayBuffer>,
) {
  const label = `${route.method} ${route.path}`;
  let res: Response;
  try {
    res = await fetch(`${target.url}${pathWithQuery}`, { method, headers, body: text, redirect: "manual" });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return {
      route: label,
      status: 0,
      problem: `no answer: ${err} ${cause ?? ""} (${method} ${pathWithQuery.slice(0, 150)} ${JSON.stringify(headers).slice(0, 300)})`,
    };
  }
  const answer = method === "HEAD" ? "" : await res.text();
  if (route.path.endsWith("/logout") || route.path.includes("/sessions/")) fuzzCookie = await login();
  const status = res.status;
  if (status >= 500) {
    const code = answer.match(/"code":"([^"]+)"/)?.[1];
    if (status === 503 && code && route.allow503?.includes(code) && method === route.method)
      return { route: label, status, problem: null };
    return {
      route: label,
      status,
      problem: `${status}: ${answer.slice(0, 200)} (${method} ${pathWithQuery.slice(0, 200)} body ${String(text ?? "").slice(0, 200)})`,
    };
  }
  if (status < 400 || method === "HEAD" || !pathWithQuery.startsWith("/api/"))
    return { route: label, status, problem: null };
  if (route.html && (res.headers.get("content-type") ?? "").includes("text/html"))
    return { route: label, status, problem: null };
  try {
    const json = JSON.parse(answer);
    if (typeof json?.error?.code === "string" && typeof json?.error?.message === "string" && json.error.message)
      return { route: label, status, problem: null };
  } catch {
    // falls through
  }
  return {
    route: label,
    status,
    problem: `${status} is not the error envelope: ${answer.slice(0, 200)} (${method} ${pathWithQuery.slice(0, 150)})`,
  };
}

/** A raw email to the Worker's email() handler (wrangler's local endpoint), mutated. */
async function fuzzEmail(r: Random): Promise<Outcome & { local?: boolean }> {
  const to = r.chance(0.7)
    ? replyTo
    : r.pick([
        replyTo.replace(/\.[a-z0-9]+@/, ".aaaa@"),
        "someone@in.edgechat.localhost",
        `reply+${"0".repeat(64)}.x@in.edgechat.localhost`,
        "x",
      ]);
  const headers = [
    `From: ${r.chance(0.8) ? "Ann <ann@example.com>" : r.pick(HOSTILE_STRINGS)}`,
    `To: ${to}`,
    `Subject: ${r.pick(HOSTILE_STRINGS).slice(0, 500)}`,
    `Message-ID: <fz-${r.hex(6)}@example.com>`,
    "MIME-Version: 1.0",
  ];
  const parts = [
    "Content-Type: text/plain; charset=utf-8\n\nThanks!\n\n> quoted\n",
    `Content-Type: text/plain; charset=${r.pick(["x-unknown", "utf-16", "", "iso-8859-1"])}\nContent-Transfer-Encoding: ${r.pick(["base64", "quoted-printable", "8bit", "x-weird"])}\n\n${r.pick(["@@@not base64", "=ZZ=\n", "\u0000\u0001", r.pick(HOSTILE_STRINGS)])}\n`,
    `Content-Type: multipart/mixed; boundary="${r.pick(["b", "", '"', "x".repeat(200)])}"\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/pdf; name="${r.pick(HOSTILE_STRINGS).slice(0, 100)}"\nContent-Transfer-Encoding: base64\n\n${r.hex(40)}\n`,
    `Content-Type: text/html\n\n<p>${r.pick(HOSTILE_STRINGS)}</p>`,
    "",
    `Auto-Submitted: auto-replied\nContent-Type: text/plain\n\naway`,
  ];
  let raw = `${headers.join("\n")}\n${r.pick(parts)}`;
  if (r.chance(0.1)) raw = raw.slice(0, r.int(raw.length));
  if (r.chance(0.05)) raw = `${raw}${"y".repeat(300_000)}`;
  const qs = new URLSearchParams({ from: "ann@example.com", to });
  try {
    const res = await fetch(`${target.url}/cdn-cgi/handler/email?${qs}`, {
      method: "POST",
      body: raw.replace(/\n/g, "\r\n"),
    });
    const text = await res.text();
    // wrangler's stand-in for Email Routing refuses some raw messages itself (e.g. a NUL in a
    // header) before the Worker's email() runs: counted apart, not the Worker's failure.
    if (res.status >= 500 && text.includes("miniflare")) return { status: res.status, problem: null, local: true };
    return {
      status: res.status,
      problem:
        res.status >= 500 ? `${res.status}: ${text.slice(0, 300)} (raw ${JSON.stringify(raw.slice(0, 300))})` : null,
    };
  } catch (err) {
    return { status: 0, problem: `no answer: ${err}` };
  }
}

/** Upgrades (WebSocket handshakes) on the three socket routes with hostile ids: the status only. */
async function upgradeStatus(apiPath: string, headers: Record<string, string>): Promise<number> {
  return (await rawExchange(`${target.url.replace("http", "ws")}${apiPath}`, headers, [], 100)).status;
}

test("edge cases, every run: ids that are 64 hex but no object's, long search texts, socket upgrades with bad ids", async () => {
  const zero = "0".repeat(64);
  const problems: string[] = [];
  const cookie = { Cookie: fuzzCookie, Origin: target.url };
  const calls: Array<[string, string, unknown?]> = [
    ...["resolve", "reopen", "assign", "transcript"].map((a): [string, string, unknown] => [
      "POST",
      `/api/v1/admin/conversations/${zero}/${a}`,
      a === "assign" ? { operatorId: null } : {},
    ]),
    ["GET", `/api/v1/admin/conversations/${zero}/visitor`],
    ["GET", `/api/v1/admin/conversations/${zero}/ws`],
    ...[1, 24, 25, 48, 49, 50, 100, 200, 201].map((n): [string, string] => [
      "GET",
      `/api/v1/admin/search?q=${"a".repeat(n)}`,
    ]),
    ["GET", `/api/v1/admin/search?q=${"_".repeat(30)}`],
    ["GET", `/api/v1/admin/search?q=${encodeURIComponent("é".repeat(30))}`],
  ];
  for (const [method, apiPath, body] of calls) {
    const res = await fetch(`${target.url}${apiPath}`, {
      method,
      headers: { ...cookie, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 500)
      problems.push(`${method} ${apiPath.replace(zero, "0×64")} → ${res.status} ${(await res.text()).slice(0, 120)}`);
  }
  const session = await target.session();
  const upgrades: Array<[string, Record<string, string>]> = [
    [`/api/v1/admin/conversations/${zero}/ws`, cookie],
    [`/api/v1/admin/conversations/${"f".repeat(64)}/ws`, cookie],
    [`/api/v1/conversations/${zero}/ws?token=${session.visitorToken}`, {}],
    [`/api/v1/conversations/${session.conversationId}/ws?token=${encodeURIComponent("x".repeat(3000))}`, {}],
    [`/api/v1/admin/ws`, { Cookie: "edgechat_session=demo.nope", Origin: target.url }],
  ];
  for (const [apiPath, headers] of upgrades) {
    const status = await upgradeStatus(apiPath, headers);
    if (status >= 500 || status === 0)
      problems.push(`upgrade ${apiPath.replace(zero, "0×64").slice(0, 120)} → ${status}`);
  }
  report("fuzz-http-edges", { requests: calls.length + upgrades.length, fiveHundreds: problems.length });
  for (const p of problems) console.log("problem:", p);
  expect(problems).toEqual([]);
}, 120_000);

test(`${REQUESTS} fuzzed requests on every route of docs/api.md and ${EMAILS} raw emails: no 5xx, well-formed errors, the pair loses nothing`, async () => {
  const started = Date.now();
  pair.start(300);
  const r = new Random(SEED);
  const results = await pool(
    Array.from({ length: REQUESTS }, (_, i) => i),
    12,
    () => fuzzRequest(r),
  );
  const emails = await pool(
    Array.from({ length: EMAILS }, (_, i) => i),
    4,
    () => fuzzEmail(r),
  );
  const health = await fetch(`${target.url}/healthz`);
  const chat = await pair.stop();

  const byStatus: Record<string, number> = {};
  for (const x of results) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
  const routesHit = new Set(results.map((x) => x.route)).size;
  const problems = results.filter((x) => x.problem);
  const fiveHundreds = results.filter((x) => x.status >= 500 && x.problem).length;
  const emailProblems = emails.filter((x) => x.problem);
  report("fuzz-http", {
    seed: SEED,
    requests: REQUESTS,
    routes: `${routesHit}/${new Set(ROUTES.map((x) => `${x.method} ${x.path}`)).size}`,
    refused: results.filter((x) => x.status >= 400).length,
    statuses: Object.entries(byStatus)
      .map(([k, v]) => `${k}:${v}`)
      .join(","),
    fiveHundreds,
    malformed: problems.length - fiveHundreds,
    emails: EMAILS,
    emailFiveHundreds: emailProblems.length,
    emailsRefusedByLocalEndpoint: emails.filter((x) => x.local).length,
    pairSent: chat.sent,
    pairLost: chat.lost,
    pairLate: chat.late,
    pairRateLimitedRetried: chat.retried,
    pairRefused: chat.refused,
    pairP50: chat.p50,
    pairP99: chat.p99,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  for (const p of [...problems.slice(0, 10), ...emailProblems.slice(0, 5)]) console.log("problem:", p.problem);
  expect(problems.map((x) => x.problem).slice(0, 5)).toEqual([]);
  expect(emailProblems.map((x) => x.problem).slice(0, 5)).toEqual([]);
  expect(health.status).toBe(200);
  expect({ lost: chat.lost, refused: chat.refused, unexpectedCloses: chat.unexpectedCloses }).toEqual({
    lost: 0,
    refused: 0,
    unexpectedCloses: 0,
  });
}, 300_000);
