/**
 * Keeps the deployment's operator directory (worker/deployment/operator-directory.ts) in
 * step with this site's team, so an operator signs in with email and password alone. The
 * whole list of emails is sent each time (idempotent, order-proof); a site that never sent
 * it (created before the directory) sends it on its next login or session check.
 */
import { DEPLOYMENT_OBJECT } from "../../deployment";
import type { Env } from "../../env";
import { defer, type SiteHost } from "../host";
import { readSetting, writeSetting } from "../settings";

const PUBLISHED = "operator_directory_at";

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
  defer(
    host,
    "operator directory",
    deployment(host.env)
      .setSiteOperators(siteKey, emails)
      .then(() => writeSetting(host.sql, PUBLISHED, Date.now())),
  );
}

/** Publishes the team once if this site never did. */
export function publishTeamOnce(host: SiteHost): void {
  if (!readSetting<number>(host.sql, PUBLISHED)) publishTeam(host);
}

/** Takes a site that is being wiped out of the directory (its key may be taken again). */
export function unpublishSite(host: Pick<SiteHost, "ctx" | "env">, siteKey: string): void {
  defer(host, "operator directory", deployment(host.env).setSiteOperators(siteKey, []));
}
