/**
 * Enriching a lead from its email with the public Gravatar profile (name, avatar, links):
 * off by default (the owner turns it on; the privacy notes say so), fetched once per email
 * and cached in `gravatar_cache`, from a base URL the settings may change (tests use a
 * local stand-in). Gravatar's API v3: GET {base}/{sha256 of the trimmed, lower-case email}.
 */
import { sha256Hex } from "../../lib/crypto";
import type { Lead } from "../../protocol/bot";
import type { SiteHost } from "../host";
import { readBotSettings } from "./config";

export const GRAVATAR_BASE_URL = "https://api.gravatar.com/v3/profiles/";
const FETCH_TIMEOUT_MS = 5000;

type Profile = NonNullable<Lead["enrichment"]>;

/** Adds the profile to the lead when enrichment is on and one exists; never throws. */
export async function enrich(host: SiteHost, leadId: string, email: string, now = Date.now()): Promise<void> {
  const { gravatar } = readBotSettings(host.sql);
  if (!gravatar.enabled) return;
  try {
    const profile = await profileOf(host.sql, gravatar.baseUrl ?? GRAVATAR_BASE_URL, email, now);
    if (profile) host.sql.exec("UPDATE leads SET enrichment = ? WHERE id = ?", JSON.stringify(profile), leadId);
  } catch (err) {
    console.error("gravatar: lookup failed", err);
  }
}

async function profileOf(sql: SqlStorage, base: string, email: string, now: number): Promise<Profile | null> {
  const hash = await sha256Hex(email.trim().toLowerCase());
  const cached = sql
    .exec<{ profile: string | null }>("SELECT profile FROM gravatar_cache WHERE email_hash = ?", hash)
    .toArray()[0];
  if (cached) return cached.profile ? JSON.parse(cached.profile) : null;
  const res = await fetch(`${base.replace(/\/?$/, "/")}${hash}`, {
    headers: { Accept: "application/json" },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (res.status !== 200 && res.status !== 404) throw new Error(`gravatar answered ${res.status}`);
  const profile = res.status === 200 ? toProfile(await res.json()) : null;
  sql.exec(
    "INSERT OR REPLACE INTO gravatar_cache (email_hash, profile, fetched_at) VALUES (?, ?, ?)",
    hash,
    profile ? JSON.stringify(profile) : null,
    now,
  );
  return profile;
}

/** The public fields we keep; only http(s) URLs, so nothing else is ever shown as a link. */
function toProfile(raw: unknown): Profile | null {
  const p = raw as {
    display_name?: unknown;
    avatar_url?: unknown;
    profile_url?: unknown;
    verified_accounts?: { url?: unknown }[];
  };
  const web = (u: unknown) => (typeof u === "string" && /^https?:\/\//.test(u) ? u.slice(0, 500) : undefined);
  const links = [
    web(p.profile_url),
    ...(Array.isArray(p.verified_accounts) ? p.verified_accounts.map((a) => web(a?.url)) : []),
  ]
    .filter((u): u is string => !!u)
    .slice(0, 10);
  const name = typeof p.display_name === "string" ? p.display_name.slice(0, 100) : undefined;
  const avatarUrl = web(p.avatar_url);
  if (!name && !avatarUrl && !links.length) return null;
  return { ...(name ? { name } : {}), ...(avatarUrl ? { avatarUrl } : {}), ...(links.length ? { links } : {}) };
}
