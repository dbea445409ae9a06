/**
 * Signing in with email and password alone: the deployment's directory says which sites the
 * email belongs to; the password is checked at each; one match opens a session there, more
 * answer with the sites to choose from (the admin then signs in again with the chosen key).
 * An unknown email costs the same password hashing and gets the same answer as a wrong
 * password, and failures are slowed down per client in the directory whether or not the
 * email is known, so nothing tells a stranger which emails or sites exist.
 */
import { DEPLOYMENT_OBJECT } from "../deployment";
import type { Env } from "../env";
import { hmacSha256, toHex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { siteStub } from "../lib/jurisdiction";

const WRONG = "wrong email or password";

/** A site the email signs in to with this password, for the chooser. */
export interface SiteChoice {
  siteKey: string;
  name: string;
}

export type KeylessLogin =
  | { siteKey: string; session: Awaited<ReturnType<ReturnType<typeof siteStub>["login"]>> }
  | { choose: SiteChoice[] };

/** The client's IP keyed with HMAC for the failure counts (never stored in the clear). */
async function clientKeyOf(env: Env, ip: string | undefined): Promise<string> {
  return toHex(await hmacSha256(env.TOKEN_SECRET || "edgechat", `login-ip:${ip ?? "unknown"}`)).slice(0, 32);
}

/** Finds the sites of `email` where `password` is right; signs in when there is one. */
export async function loginByEmail(
  env: Env,
  email: string,
  password: string,
  client: { ip?: string; userAgent?: string },
): Promise<KeylessLogin> {
  const dep = env.DEPLOYMENT.get(env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT));
  const who = await clientKeyOf(env, client.ip);
  // Counted as failed from here until a password matches (see loginAttempt).
  const wait = await dep.loginAttempt(email, who);
  if (wait > 0)
    throw new ApiError(429, "too_many_attempts", `too many failed logins; try again in ${wait} s`, {
      "Retry-After": String(wait),
    });
  const keys = await dep.sitesOfOperator(email);
  let matches: SiteChoice[] = [];
  // An unknown email still costs a call to another object and a password hash, as a site's check does.
  if (!keys.length) await dep.checkNoPassword(password);
  else {
    const checked = await Promise.all(
      keys.map(async (siteKey) => {
        const ok = await siteStub(env, siteKey).checkLogin(email, password);
        return ok ? { siteKey, name: ok.name } : null;
      }),
    );
    matches = checked.filter((m): m is SiteChoice => m !== null);
  }
  if (!matches.length) throw new ApiError(401, "invalid_login", WRONG);
  await dep.loginSucceeded(email, who);
  if (matches.length > 1) return { choose: matches };
  const siteKey = matches[0]!.siteKey;
  return { siteKey, session: await siteStub(env, siteKey).login(email, password, client) };
}
