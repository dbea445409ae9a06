/**
 * The team's flows that send email or touch sockets: inviting an operator, accepting an
 * invite, resetting a password, and removing or demoting an operator (whose open admin
 * sockets close at once). The tables are owned by ./auth.ts, ./invites.ts,
 * ./password-reset.ts and ./members.ts.
 */
import { failure, type Failure } from "../../lib/errors";
import type { PendingInvite } from "../../protocol";
import type { Actor } from "../audit";
import type { SiteHost } from "../host";
import { endOperatorSockets } from "../socket-sessions";
import { siteSettingsOf } from "../settings";
import * as auth from "./auth";
import * as invites from "./invites";
import { inviteMail, resetMail } from "./mail";
import * as passwordReset from "./password-reset";

const NO_MAIL = failure(
  503,
  "email_unavailable",
  "email cannot be sent from this deployment right now; try again later",
);

/** Creates an invite and emails its link (built on `origin`, the admin app's origin). */
export async function invite(
  host: SiteHost,
  actor: Actor,
  input: { email: string; name?: string; role: "admin" | "operator" },
  origin: string,
): Promise<PendingInvite | Failure> {
  const settings = siteSettingsOf(host.sql);
  if (!settings) return NO_MAIL;
  const made = await invites.createInvite(host.sql, actor, input);
  if ("error" in made) return made;
  const link = `${origin}/admin/accept-invite?site=${encodeURIComponent(host.siteKey() ?? "")}&token=${made.token}`;
  const mail = inviteMail(settings.locale, {
    siteName: settings.name,
    siteKey: host.siteKey() ?? "",
    inviter: actor.name,
    role: input.role,
    link,
    signIn: `${origin}/admin/`,
  });
  try {
    await host.mailer.send({
      to: input.email,
      ...(input.name ? { toName: input.name } : {}),
      ...mail,
      kind: "invite",
      secrets: [made.token],
    });
  } catch (err) {
    console.error("invite email failed", err);
    host.sql.exec("DELETE FROM invites WHERE id = ?", made.invite.id);
    return NO_MAIL;
  }
  return made.invite;
}

/** What the accept-invite page shows before the invitee picks a password. */
export async function inviteInfo(
  host: SiteHost,
  token: string,
): Promise<{ email: string; name: string | null; role: string; siteName: string; siteKey: string } | Failure> {
  const found = await invites.findInvite(host.sql, token);
  if (!found) return failure(404, "invalid_invite", "this invite link is not valid or has expired; ask for a new one");
  return {
    email: found.email,
    name: found.name,
    role: found.role,
    siteName: siteSettingsOf(host.sql)?.name ?? "",
    siteKey: host.siteKey() ?? "",
  };
}

/** Accepts an invite and opens the new operator's first session. */
export async function acceptInvite(
  host: SiteHost,
  token: string,
  input: { name: string; password: string },
  client: { ip?: string; userAgent?: string },
) {
  const operator = await invites.acceptInvite(host.sql, token, input);
  if ("error" in operator) return operator;
  return auth.login(host.sql, operator.email, input.password, client);
}

/** Emails a reset link when the email belongs to an operator; silent otherwise. */
export async function requestPasswordReset(host: SiteHost, email: string, origin: string): Promise<void> {
  const settings = siteSettingsOf(host.sql);
  if (!settings) return;
  const made = await passwordReset.createReset(host.sql, email);
  if (!made) return;
  const link = `${origin}/admin/reset-password?site=${encodeURIComponent(host.siteKey() ?? "")}&token=${made.token}`;
  const mail = resetMail(settings.locale, { siteName: settings.name, link });
  await host.mailer
    .send({
      to: made.operator.email,
      toName: made.operator.name,
      ...mail,
      kind: "password_reset",
      secrets: [made.token],
    })
    .catch((err) => console.error("password reset email failed", err));
}

/** Closes the admin sockets of an operator who left the team. */
export function removed(host: SiteHost, operatorId: string): void {
  endOperatorSockets(host, operatorId, "removed from the team");
}
