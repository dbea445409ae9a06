/**
 * The configuration check: `/healthz` says which optional features are configured
 * and names every missing or malformed secret or binding; a fatal one makes it a 503.
 */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../worker/config";
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { BASE } from "./helpers";

/** A production env that passes every check; each test breaks one thing. */
const GOOD = {
  ENVIRONMENT: "production",
  TOKEN_SECRET: "t".repeat(40),
  ADMIN_TOKEN: "a".repeat(30),
  PUBLIC_URL: "https://chat.example.com",
  EMAIL_PROVIDER: "mailchannels",
  MAILCHANNELS_API_KEY: "mc-key",
  EMAIL_FROM: "Shop <support@shop.example>",
  INBOUND_DOMAIN: "in.chat.example.com",
  VAPID_PUBLIC_KEY: "BK55DAzMGhnMaHrtIuAnNS1qEAhi-QMmQ6PiglmrJICtcxD_vitAjn9TdwQm7W8UuNVoxQQyizkqrD-gdvz_hrU",
  VAPID_PRIVATE_KEY: "q5esIkLxMoGEuRGWtQp_m9iukcIzXfHxCmiP_Q1FH10",
  SITE: {},
  CONVERSATION: {},
  DEPLOYMENT: {},
  ASSETS: {},
  FILES: {},
};

function problems(overrides: Record<string, unknown>) {
  const report = checkConfig({ ...GOOD, ...overrides });
  return report.problems.map((p) => `${p.fatal ? "fatal" : "note"} ${p.name}`);
}

async function healthz(vars: Partial<Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}/healthz`) as any, { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("/healthz", () => {
  it("is 200 ok with the features of this deployment", async () => {
    const res = await SELF.fetch(`${BASE}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      environment: "test",
      features: { email: "outbox", inbound: true, video: false, signup: "closed", push: true },
      problems: [],
    });
  });

  it("is 503 naming TOKEN_SECRET when it is missing or short", async () => {
    for (const TOKEN_SECRET of ["", "short-secret"]) {
      const res = await healthz({ TOKEN_SECRET });
      expect(res.status).toBe(503);
      const body = await res.json<any>();
      expect(body.ok).toBe(false);
      expect(body.problems).toEqual([expect.objectContaining({ name: "TOKEN_SECRET", fatal: true })]);
    }
  });

  it("shows the signup mode, and an unknown one as a fatal problem", async () => {
    expect((await (await healthz({ SIGNUP: "open" })).json<any>()).features.signup).toBe("open");
    const res = await healthz({ SIGNUP: "opne" });
    expect(res.status).toBe(503);
    const body = await res.json<any>();
    expect(body.features.signup).toBe("closed");
    expect(body.problems[0]).toMatchObject({
      name: "SIGNUP",
      message: expect.stringContaining("closed, invite or open"),
    });
  });

  it("shows video on when both TURN values are set", async () => {
    const body = await (await healthz({ TURN_KEY_ID: "turnkey123abc", TURN_KEY_API_TOKEN: "tok" })).json<any>();
    expect(body.features.video).toBe(true);
  });
});

describe("checkConfig", () => {
  it("passes a complete production configuration", () => {
    expect(checkConfig(GOOD)).toEqual({
      ok: true,
      environment: "production",
      features: { email: "mailchannels", inbound: true, video: false, signup: "closed", push: true },
      problems: [],
    });
  });

  it.each([
    [
      "no VAPID keys in production: push off, not fatal",
      { VAPID_PUBLIC_KEY: undefined, VAPID_PRIVATE_KEY: undefined },
      ["note VAPID_PUBLIC_KEY"],
    ],
    ["a VAPID public key that is no P-256 point", { VAPID_PUBLIC_KEY: "not-a-key" }, ["fatal VAPID_PUBLIC_KEY"]],
    ["a VAPID private key of the wrong length", { VAPID_PRIVATE_KEY: "abc" }, ["fatal VAPID_PRIVATE_KEY"]],
    ["the public VAPID key without the private one", { VAPID_PRIVATE_KEY: undefined }, ["fatal VAPID_PRIVATE_KEY"]],
    [
      "a VAPID subject that is neither mailto nor https",
      { VAPID_SUBJECT: "http://shop.example" },
      ["fatal VAPID_SUBJECT"],
    ],
    ["a Telegram API URL that is not a URL", { TELEGRAM_API_URL: "api.telegram.org" }, ["fatal TELEGRAM_API_URL"]],
  ])("names %s", (_what, overrides, expected) => {
    expect(problems(overrides)).toEqual(expected);
  });

  it("turns Web Push on locally without keys: they are generated on first use", () => {
    const report = checkConfig({
      ...GOOD,
      ENVIRONMENT: "local",
      VAPID_PUBLIC_KEY: undefined,
      VAPID_PRIVATE_KEY: undefined,
    });
    expect(report.features.push).toBe(true);
  });

  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ["TOKEN_SECRET missing", { TOKEN_SECRET: undefined }, ["fatal TOKEN_SECRET"]],
    ["TOKEN_SECRET under 32 characters", { TOKEN_SECRET: "x".repeat(31) }, ["fatal TOKEN_SECRET"]],
    ["ADMIN_TOKEN missing", { ADMIN_TOKEN: undefined }, ["note ADMIN_TOKEN"]],
    ["ADMIN_TOKEN short", { ADMIN_TOKEN: "short" }, ["fatal ADMIN_TOKEN"]],
    ["mailchannels without its API key", { MAILCHANNELS_API_KEY: undefined }, ["fatal MAILCHANNELS_API_KEY"]],
    ["cloudflare without the SEND_EMAIL binding", { EMAIL_PROVIDER: "cloudflare" }, ["fatal SEND_EMAIL"]],
    ["cloudflare with the binding", { EMAIL_PROVIDER: "cloudflare", SEND_EMAIL: {} }, []],
    ["an unknown provider", { EMAIL_PROVIDER: "sendgrid" }, ["fatal EMAIL_PROVIDER"]],
    ["no provider in production", { EMAIL_PROVIDER: undefined }, ["note EMAIL_PROVIDER"]],
    ["EMAIL_FROM missing", { EMAIL_FROM: undefined }, ["fatal EMAIL_FROM"]],
    ["EMAIL_FROM malformed", { EMAIL_FROM: "support at shop" }, ["fatal EMAIL_FROM"]],
    ["DKIM half set", { DKIM_DOMAIN: "shop.example" }, ["fatal DKIM_SELECTOR"]],
    ["INBOUND_DOMAIN with a scheme", { INBOUND_DOMAIN: "https://in.chat.example.com" }, ["fatal INBOUND_DOMAIN"]],
    ["INBOUND_DOMAIN as an address", { INBOUND_DOMAIN: "reply@in.chat.example.com" }, ["fatal INBOUND_DOMAIN"]],
    ["INBOUND_DOMAIN missing", { INBOUND_DOMAIN: undefined }, ["note INBOUND_DOMAIN"]],
    ["PUBLIC_URL over http in production", { PUBLIC_URL: "http://chat.example.com" }, ["fatal PUBLIC_URL"]],
    ["PUBLIC_URL with a path", { PUBLIC_URL: "https://chat.example.com/chat" }, ["fatal PUBLIC_URL"]],
    ["PUBLIC_URL not a URL", { PUBLIC_URL: "chat.example.com" }, ["fatal PUBLIC_URL"]],
    ["PUBLIC_URL missing in production", { PUBLIC_URL: undefined }, ["fatal PUBLIC_URL"]],
    ["SIGNUP unknown", { SIGNUP: "public" }, ["fatal SIGNUP"]],
    [
      "SIGNUP=open without email",
      { SIGNUP: "open", EMAIL_PROVIDER: undefined },
      ["note EMAIL_PROVIDER", "fatal SIGNUP"],
    ],
    [
      "SIGNUP=invite without ADMIN_TOKEN",
      { SIGNUP: "invite", ADMIN_TOKEN: undefined },
      ["note ADMIN_TOKEN", "fatal ADMIN_TOKEN"],
    ],
    ["TURN key id without its token", { TURN_KEY_ID: "turnkey123abc" }, ["note TURN_KEY_API_TOKEN"]],
    ["a missing Durable Object binding", { DEPLOYMENT: undefined }, ["fatal DEPLOYMENT"]],
    ["an unknown ENVIRONMENT", { ENVIRONMENT: "staging" }, ["note ENVIRONMENT"]],
  ];
  for (const [what, overrides, expected] of cases) {
    it(`names ${what}`, () => {
      expect(problems(overrides)).toEqual(expected);
      expect(checkConfig({ ...GOOD, ...overrides }).ok).toBe(!expected.some((p) => p.startsWith("fatal")));
    });
  }

  it("allows http and no provider locally", () => {
    const report = checkConfig({
      ...GOOD,
      ENVIRONMENT: "local",
      PUBLIC_URL: "http://127.0.0.1:8787",
      EMAIL_PROVIDER: undefined,
      INBOUND_DOMAIN: "in.edgechat.localhost",
    });
    expect(report).toMatchObject({ ok: true, features: { email: "outbox", inbound: true }, problems: [] });
  });

  it("in the deploy dry run, skips secrets it cannot see but checks the variables", () => {
    const vars = {
      ENVIRONMENT: "production",
      PUBLIC_URL: "https://chat.example.com",
      VAPID_PUBLIC_KEY: GOOD.VAPID_PUBLIC_KEY,
      EMAIL_PROVIDER: "mailchannels",
      EMAIL_FROM: "a@shop.example",
      DKIM_DOMAIN: "shop.example",
      DKIM_SELECTOR: "mc",
      INBOUND_DOMAIN: "in.chat.example.com",
    };
    expect(checkConfig(vars, { secretsUnknown: true, bindings: false })).toMatchObject({ ok: true, problems: [] });
    expect(
      checkConfig({ ...vars, INBOUND_DOMAIN: "in chat" }, { secretsUnknown: true, bindings: false }).problems.map(
        (p) => p.name,
      ),
    ).toEqual(["INBOUND_DOMAIN"]);
  });
});
