/**
 * The configuration check: every secret, variable and binding the Worker reads, checked at
 * once so a missing or malformed one is named on `GET /healthz` (and logged once when an
 * isolate starts) instead of failing at the first email. A fatal problem makes `/healthz`
 * answer 503 with `ok: false`; the others say which optional feature stays off and why.
 *
 * `npm run deploy -- --dry-run` runs the same check over wrangler.toml's variables.
 */

export type SignupMode = "closed" | "invite" | "open";
export const SIGNUP_MODES: readonly SignupMode[] = ["closed", "invite", "open"];

export interface ConfigProblem {
  /** The secret, variable or binding at fault, e.g. `TOKEN_SECRET`. */
  name: string;
  message: string;
  fatal: boolean;
}

export interface ConfigReport {
  ok: boolean;
  environment: string;
  features: {
    /** The email provider in use, or null when no email goes out. */
    email: "outbox" | "mailchannels" | "cloudflare" | null;
    /** Visitors' email replies come back (INBOUND_DOMAIN). */
    inbound: boolean;
    /** Video calls have a TURN key. */
    video: boolean;
    signup: SignupMode;
    /** Web Push has VAPID keys (secrets in production; generated locally). */
    push: boolean;
  };
  problems: ConfigProblem[];
}

/** What the check reads: the Worker's env, or wrangler.toml's [vars] in the dry run. */
export type ConfigInput = Record<string, unknown>;

export const MIN_TOKEN_SECRET = 32;
export const MIN_ADMIN_TOKEN = 24;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL_FROM = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

/** The signup mode; an unknown value counts as "closed" (and is a fatal problem). */
export function signupMode(env: object): SignupMode {
  const v =
    str((env as ConfigInput).SIGNUP)
      ?.trim()
      .toLowerCase() || "closed";
  return (SIGNUP_MODES as string[]).includes(v) ? (v as SignupMode) : "closed";
}

/**
 * Checks the configuration. `secretsUnknown` (the dry run) skips the checks of secrets,
 * which live on Cloudflare and not in wrangler.toml.
 */
export function checkConfig(input: object, opts: { secretsUnknown?: boolean; bindings?: boolean } = {}): ConfigReport {
  const env = input as ConfigInput;
  const problems: ConfigProblem[] = [];
  const problem = (name: string, fatal: boolean, message: string) => problems.push({ name, fatal, message });
  const environment = str(env.ENVIRONMENT) ?? "production";
  const local = environment === "local" || environment === "test";
  if (!["local", "test", "production"].includes(environment)) {
    problem(
      "ENVIRONMENT",
      false,
      `ENVIRONMENT is "${environment}"; use production (deployed), local or test. It counts as production.`,
    );
  }
  if (opts.bindings !== false) {
    for (const name of ["SITE", "CONVERSATION", "DEPLOYMENT", "ASSETS", "FILES"]) {
      if (!env[name]) problem(name, true, `the ${name} binding is missing; keep wrangler.toml's bindings as they are`);
    }
  }
  if (!opts.secretsUnknown) checkSecrets(env, problem);
  checkPublicUrl(env, local, problem);
  const signup = checkSignup(env, opts, problem);
  const email = checkEmail(env, local, opts, problem);
  if (signup === "open" && !local && (email === null || email === "outbox")) {
    problem(
      "SIGNUP",
      true,
      "SIGNUP=open needs an email provider: owners of new sites must confirm their email (set EMAIL_PROVIDER)",
    );
  }
  const inbound = checkInbound(env, email, problem);
  const video = checkTurn(env, opts, problem);
  const push = checkPush(env, local, opts, problem);
  checkTelegramApi(env, problem);
  return {
    ok: !problems.some((p) => p.fatal),
    environment,
    features: { email, inbound, video, signup, push },
    problems,
  };
}

type Report = (name: string, fatal: boolean, message: string) => void;

function checkSecrets(env: ConfigInput, problem: Report): void {
  const tokenSecret = str(env.TOKEN_SECRET);
  if (!tokenSecret)
    problem(
      "TOKEN_SECRET",
      true,
      "TOKEN_SECRET is not set: `wrangler secret put TOKEN_SECRET` (at least 32 random characters); visitor sessions cannot start without it",
    );
  else if (tokenSecret.length < MIN_TOKEN_SECRET)
    problem(
      "TOKEN_SECRET",
      true,
      `TOKEN_SECRET is ${tokenSecret.length} characters; use at least ${MIN_TOKEN_SECRET} random characters`,
    );
  const adminToken = str(env.ADMIN_TOKEN);
  if (!adminToken)
    problem(
      "ADMIN_TOKEN",
      false,
      "ADMIN_TOKEN is not set: nobody can create sites or signup codes with the deployment's token (`wrangler secret put ADMIN_TOKEN`)",
    );
  else if (adminToken.length < MIN_ADMIN_TOKEN)
    problem(
      "ADMIN_TOKEN",
      true,
      `ADMIN_TOKEN is ${adminToken.length} characters; use at least ${MIN_ADMIN_TOKEN} random characters`,
    );
}

function checkPublicUrl(env: ConfigInput, local: boolean, problem: Report): void {
  const raw = str(env.PUBLIC_URL);
  if (!raw) {
    if (!local)
      problem(
        "PUBLIC_URL",
        true,
        "PUBLIC_URL is not set: links in emails need this deployment's address, e.g. https://chat.example.com",
      );
    return;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem(
      "PUBLIC_URL",
      true,
      `PUBLIC_URL "${raw}" is not a URL; use an origin such as https://chat.example.com`,
    );
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username) {
    problem("PUBLIC_URL", true, `PUBLIC_URL "${raw}" has a path or query; use the bare origin, e.g. ${url.origin}`);
  } else if (!local && url.protocol !== "https:") {
    problem("PUBLIC_URL", true, `PUBLIC_URL "${raw}" is not https; a deployed Worker is reached over https`);
  } else if (url.protocol !== "https:" && url.protocol !== "http:") {
    problem("PUBLIC_URL", true, `PUBLIC_URL "${raw}" is not http(s)`);
  }
}

function checkSignup(env: ConfigInput, opts: { secretsUnknown?: boolean }, problem: Report): SignupMode {
  const raw = str(env.SIGNUP)?.trim().toLowerCase();
  if (raw && !(SIGNUP_MODES as string[]).includes(raw)) {
    problem("SIGNUP", true, `SIGNUP is "${env.SIGNUP}"; use closed, invite or open (it counts as closed meanwhile)`);
  }
  const mode = signupMode(env);
  if (mode === "invite" && !opts.secretsUnknown && !str(env.ADMIN_TOKEN)) {
    problem("ADMIN_TOKEN", true, "SIGNUP=invite needs ADMIN_TOKEN: signup codes are made with it");
  }
  return mode;
}

function checkEmail(
  env: ConfigInput,
  local: boolean,
  opts: { secretsUnknown?: boolean; bindings?: boolean },
  problem: Report,
): ConfigReport["features"]["email"] {
  const provider = str(env.EMAIL_PROVIDER)?.trim().toLowerCase() || (local ? "outbox" : "");
  if (!provider) {
    problem(
      "EMAIL_PROVIDER",
      false,
      "EMAIL_PROVIDER is not set: no email goes out (follow-ups, invites, password resets); set mailchannels or cloudflare",
    );
    return null;
  }
  if (provider === "outbox") {
    if (!local)
      problem("EMAIL_PROVIDER", false, "EMAIL_PROVIDER=outbox keeps email in each site's outbox and sends nothing");
    return "outbox";
  }
  if (provider !== "mailchannels" && provider !== "cloudflare") {
    problem(
      "EMAIL_PROVIDER",
      true,
      `EMAIL_PROVIDER is "${env.EMAIL_PROVIDER}"; use mailchannels, cloudflare or outbox`,
    );
    return null;
  }
  let ok = true;
  if (provider === "mailchannels" && !opts.secretsUnknown && !str(env.MAILCHANNELS_API_KEY)) {
    problem(
      "MAILCHANNELS_API_KEY",
      true,
      "EMAIL_PROVIDER=mailchannels needs MAILCHANNELS_API_KEY: `wrangler secret put MAILCHANNELS_API_KEY`",
    );
    ok = false;
  }
  if (provider === "cloudflare" && opts.bindings !== false && !env.SEND_EMAIL) {
    problem(
      "SEND_EMAIL",
      true,
      'EMAIL_PROVIDER=cloudflare needs the SEND_EMAIL binding: add [[send_email]] name = "SEND_EMAIL" to wrangler.toml',
    );
    ok = false;
  }
  const from = str(env.EMAIL_FROM)?.trim();
  if (!from) {
    problem(
      "EMAIL_FROM",
      true,
      "EMAIL_FROM is not set: providers refuse mail without a sender of your domain, e.g. Shop <support@shop.example>",
    );
    ok = false;
  } else if (!EMAIL_FROM.test(from)) {
    problem("EMAIL_FROM", true, `EMAIL_FROM "${from}" is not an address or "Name <address>"`);
    ok = false;
  }
  // DKIM_PRIVATE_KEY is a secret: the dry run cannot see it, so it counts as set there.
  const dkim = {
    DKIM_DOMAIN: !!str(env.DKIM_DOMAIN),
    DKIM_SELECTOR: !!str(env.DKIM_SELECTOR),
    DKIM_PRIVATE_KEY: !!str(env.DKIM_PRIVATE_KEY) || !!opts.secretsUnknown,
  };
  const missing = Object.entries(dkim)
    .filter(([, set]) => !set)
    .map(([k]) => k);
  if (
    provider === "mailchannels" &&
    (str(env.DKIM_DOMAIN) || str(env.DKIM_SELECTOR) || str(env.DKIM_PRIVATE_KEY)) &&
    missing.length
  ) {
    problem(
      missing[0]!,
      true,
      `DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together; ${missing.join(" and ")} missing`,
    );
    ok = false;
  }
  return ok ? provider : null;
}

function checkInbound(env: ConfigInput, email: ConfigReport["features"]["email"], problem: Report): boolean {
  const domain = str(env.INBOUND_DOMAIN)?.trim();
  if (!domain) {
    if (email && email !== "outbox")
      problem(
        "INBOUND_DOMAIN",
        false,
        "INBOUND_DOMAIN is not set: visitors' email replies cannot come back to the chat",
      );
    return false;
  }
  if (!HOSTNAME.test(domain)) {
    problem(
      "INBOUND_DOMAIN",
      true,
      `INBOUND_DOMAIN "${domain}" is not a domain name such as in.chat.example.com (no scheme, no @, no path)`,
    );
    return false;
  }
  return true;
}

function checkTurn(env: ConfigInput, opts: { secretsUnknown?: boolean }, problem: Report): boolean {
  const id = str(env.TURN_KEY_ID);
  const token = str(env.TURN_KEY_API_TOKEN);
  if (id && !token && !opts.secretsUnknown)
    problem("TURN_KEY_API_TOKEN", false, "TURN_KEY_ID is set without TURN_KEY_API_TOKEN: calls use STUN only");
  if (!id && token) problem("TURN_KEY_ID", false, "TURN_KEY_API_TOKEN is set without TURN_KEY_ID: calls use STUN only");
  if (id && !/^[A-Za-z0-9_-]{8,128}$/.test(id))
    problem("TURN_KEY_ID", false, `TURN_KEY_ID "${id}" does not look like a TURN key id`);
  return !!id && (!!token || !!opts.secretsUnknown);
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Web Push keys: both or neither; the public key a 65-byte point, the private one 32 bytes (base64url). */
function checkPush(env: ConfigInput, local: boolean, opts: { secretsUnknown?: boolean }, problem: Report): boolean {
  const pub = str(env.VAPID_PUBLIC_KEY);
  const priv = str(env.VAPID_PRIVATE_KEY);
  const hint =
    "make a pair with `npx web-push generate-vapid-keys`, then `wrangler secret put VAPID_PRIVATE_KEY` and set VAPID_PUBLIC_KEY";
  if (pub && (!B64URL.test(pub) || pub.length !== 87)) {
    problem("VAPID_PUBLIC_KEY", true, `VAPID_PUBLIC_KEY is not a P-256 public key (87 base64url characters); ${hint}`);
    return false;
  }
  if (!opts.secretsUnknown && priv && (!B64URL.test(priv) || priv.length !== 43)) {
    problem(
      "VAPID_PRIVATE_KEY",
      true,
      `VAPID_PRIVATE_KEY is not a P-256 private key (43 base64url characters); ${hint}`,
    );
    return false;
  }
  if (pub && !priv && !opts.secretsUnknown)
    problem("VAPID_PRIVATE_KEY", true, `VAPID_PUBLIC_KEY is set without VAPID_PRIVATE_KEY; ${hint}`);
  if (!pub && priv) problem("VAPID_PUBLIC_KEY", true, `VAPID_PRIVATE_KEY is set without VAPID_PUBLIC_KEY; ${hint}`);
  const subject = str(env.VAPID_SUBJECT);
  if (subject && !/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(subject))
    problem("VAPID_SUBJECT", true, `VAPID_SUBJECT "${subject}" is neither mailto:… nor an https URL`);
  if (pub && (priv || opts.secretsUnknown)) return true;
  if (local && !pub && !priv) return true; // generated on first use
  if (!pub && !priv)
    problem("VAPID_PUBLIC_KEY", false, `Web Push is off: no VAPID keys (operators get no push notifications); ${hint}`);
  return false;
}

function checkTelegramApi(env: ConfigInput, problem: Report): void {
  const raw = str(env.TELEGRAM_API_URL);
  if (!raw) return;
  try {
    const url = new URL(raw);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
  } catch {
    problem(
      "TELEGRAM_API_URL",
      true,
      `TELEGRAM_API_URL "${raw}" is not an http(s) URL such as https://api.telegram.org`,
    );
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
