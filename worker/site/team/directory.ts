/**
 * Keeps the deployment's operator directory (worker/deployment/operator-directory.ts) in
 * step with this site's team, so an operator signs in with email and password alone. The
 * whole list of emails is sent each time, with a version that only grows: a call goes
 * through a stub of its own, and calls through different stubs may arrive in any order, so
 * the directory keeps the newest list it got rather than the last. A site whose newest list
 * was not taken (the call failed; or created before the directory) sends it again on its
 * next login or session check.
 */
import { DEPLOYMENT_OBJECT } from "../../deployment";
import type { Env } from "../../env";
import { defer, type SiteHost } from "../host";
import { readSetting, writeSetting } from "../settings";

/** The newest version the directory took. */
const PUBLISHED = "operator_directory_at";
/** The newest version sent. */
const SENT = "operator_directory_sent";

function deployment(env: Env) {
  return env.DEPLOYMENT.get(env.DEPLOYMENT.idFromName(DEPLOYMENT_OBJECT));
}

/** Sends this site's operator emails to the directory (after the current work, off its path). */
export function publishTeam(host: SiteHost): void {
  const siteKey = host.siteKey();
  if (!siteKey) return;
  const emails = host.sql
    .exec<{ email: string }>("SELECT email FROM operators")
    .toArray()
    .map((r) => r.email);
  // A time, so that a list sent after the site's storage was wiped (its key taken again) is
  // newer too; one more than the last when two come within a millisecond.
  const version = Math.max(Date.now(), (readSetting<number>(host.sql, SENT) ?? 0) + 1);
  writeSetting(host.sql, SENT, version);
  defer(
    host,
    "operator directory",
    deployment(host.env)
      .setSiteOperators(siteKey, emails, version)
      .then(() => {
        // Taken, or a newer list of this site was: either way the directory is not behind it.
        if (version > (readSetting<number>(host.sql, PUBLISHED) ?? 0)) writeSetting(host.sql, PUBLISHED, version);
      }),
  );
}

/** A list not taken this long after it was sent is taken as lost (a call answers in milliseconds). */
const RESEND_AFTER_MS = 10_000;

/** Publishes the team if this site never did, or the directory did not take its newest list. */
export function publishTeamIfBehind(host: SiteHost, now = Date.now()): void {
  const published = readSetting<number>(host.sql, PUBLISHED);
  const sent = readSetting<number>(host.sql, SENT);
  // Sent is a time (see publishTeam): a list still on its way is not sent again by every
  // session check meanwhile, nor one a failing directory refuses, more than every RESEND_AFTER_MS.
  if (!published || (sent !== null && sent > published && now - sent >= RESEND_AFTER_MS)) publishTeam(host);
}

/** Takes a site that is being wiped out of the directory (its key may be taken again). */
export function unpublishSite(host: Pick<SiteHost, "ctx" | "env">, siteKey: string): void {
  defer(host, "operator directory", deployment(host.env).setSiteOperators(siteKey, [], Date.now()));
}
