/**
 * Data rights: erasing a contact with every conversation of theirs, and the retention job
 * that erases what is older than the owner's limit. Both ask Conversation objects to delete
 * themselves, then remove the Site's own rows (./erasure.ts, ./retention.ts).
 */
import { failure } from "../../lib/errors";
import { conversationStub } from "../../lib/jurisdiction";
import { importUnderWay } from "../archive";
import * as audit from "../audit";
import { defer, type SiteHost } from "../host";
import * as telegram from "../telegram/notify";
import * as erasure from "./erasure";
import * as retention from "./retention";

export { RETENTION_TIMER, retentionMonths } from "./retention";

/**
 * Per Site, visitor id → until when calls about that visitor are refused: while their erasure
 * is under way, and for ERASED_REMEMBERED_MS after it finished (in memory only: ids, nothing
 * about the person). Their conversations are erased one by one
 * before the Site's rows go, and a tab of theirs that reconnects meanwhile makes its
 * conversation again, asking the Site for the contact (`contactOf`): it gets none, so the
 * erased email and name are not copied into it. A call sent before the erasure by an object
 * of theirs (the bot's slot click) comes through its own stub, which the runtime does not
 * order with the erasure's calls, so it can land just after the erasure: it is refused too.
 */
const refusedUntil = new WeakMap<SiteHost, Map<string, { running: number; until: number }>>();
/** How long after its erasure a visitor's calls already on their way are still refused. */
export const ERASED_REMEMBERED_MS = 60_000;

/** True while `visitorId`'s erasure is under way at this Site, or just after it finished. */
export function isErasedOrErasing(host: SiteHost, visitorId: string, now = Date.now()): boolean {
  const known = refusedUntil.get(host)?.get(visitorId);
  return known !== undefined && (known.running > 0 || known.until > now);
}

/** Erases a contact (by visitor id or by email) and every conversation of theirs. */
export async function eraseContact(
  host: SiteHost,
  actor: audit.Actor,
  target: { visitorId: string; confirm: string } | { email: string; confirm: string },
) {
  const { sql } = host;
  const importing = importUnderWay(sql);
  if (importing) return importRefusal(importing);
  const plan =
    "visitorId" in target
      ? erasure.planByVisitor(sql, target.visitorId, target.confirm)
      : erasure.planByEmail(sql, target.email, target.confirm);
  if ("error" in plan) return plan;
  const erasing = refusedUntil.get(host) ?? new Map<string, { running: number; until: number }>();
  refusedUntil.set(host, erasing);
  const now = Date.now();
  for (const [id, known] of erasing) if (known.running === 0 && known.until <= now) erasing.delete(id);
  // Counted, as two erasures of one visitor may overlap: the first to end must not lift the other's.
  for (const id of plan.visitorIds) {
    const known = erasing.get(id) ?? { running: 0, until: 0 };
    erasing.set(id, { ...known, running: known.running + 1 });
  }
  let erased = false;
  try {
    const result = await eraseByPlan(host, actor, target, plan);
    erased = !("error" in result);
    return result;
  } finally {
    // An erasure that stopped halfway keeps the contact, who may book again at once.
    for (const id of plan.visitorIds) {
      const known = erasing.get(id)!;
      known.running--;
      if (erased) known.until = Date.now() + ERASED_REMEMBERED_MS;
    }
  }
}

function importRefusal(importId: string) {
  return failure(
    409,
    "import_under_way",
    `an archive import is under way, and its commit would bring the contact back: finish it (POST /api/v1/admin/data/import/${importId}/commit) or discard it (DELETE /api/v1/admin/data/import/${importId}), then erase`,
  );
}

async function eraseByPlan(
  host: SiteHost,
  actor: audit.Actor,
  target: { visitorId: string } | { email: string },
  plan: erasure.ErasePlan,
) {
  const { sql } = host;
  const gravatarKeys = await erasure.gravatarKeysOf(sql, plan);
  const { failed } = await eraseConversations(host, plan.conversationIds, { stopOnFailure: true });
  if (failed) {
    return failure(
      503,
      "erase_incomplete",
      "a conversation could not be erased right now; the contact is kept and some conversations may be gone already: ask again to finish",
    );
  }
  // An import begun while the conversations were erased would write the contact back at its
  // commit: the Site's rows wait, and the erasure is asked for again once it is done.
  const importing = importUnderWay(sql);
  if (importing) return importRefusal(importing);
  const told = telegram.notificationsAbout(sql, plan.conversationIds);
  erasure.eraseSiteRows(sql, plan, gravatarKeys);
  defer(host, "withdrawing Telegram notifications", telegram.withdraw(host, told));
  audit.record(sql, actor, "contact.erase", plan.visitorIds.join(","), {
    by: "visitorId" in target ? "visitorId" : "email",
    conversations: plan.conversationIds.length,
  });
  return { visitorIds: plan.visitorIds, conversations: plan.conversationIds.length };
}

/** Saves the retention setting; the daily job starts (soon) or stops with it. */
export async function saveRetention(host: SiteHost, actor: audit.Actor, months: number | null): Promise<number | null> {
  retention.saveRetention(host.sql, actor, months);
  if (months) await host.timers.set(retention.RETENTION_TIMER, Date.now() + 60_000);
  else await host.timers.cancel(retention.RETENTION_TIMER);
  return months;
}

/**
 * The daily job: one batch of old conversations, then the Site's rows; sooner again while
 * more are due. A conversation that cannot be erased now is left for the next run, and the
 * job always sets its next run (a throwing job would be dropped after a few tries).
 */
export async function runRetention(host: SiteHost, now = Date.now()): Promise<void> {
  const months = retention.retentionMonths(host.sql);
  if (!months) return;
  const before = retention.cutoff(now, months);
  const due = retention.dueConversations(host.sql, before);
  const { erased, failed } = await eraseConversations(host, due);
  retention.sweepSiteRows(host.sql, erased, before, now);
  const more = due.length === retention.RETENTION_BATCH && !failed;
  await host.timers.set(retention.RETENTION_TIMER, now + (more ? 60_000 : retention.RETENTION_INTERVAL_MS));
}

/** Asks each Conversation to delete itself; returns the ids done and how many failed. */
async function eraseConversations(
  host: SiteHost,
  ids: string[],
  opts: { stopOnFailure?: boolean } = {},
): Promise<{ erased: string[]; failed: number }> {
  const siteKey = host.siteKey();
  const erased: string[] = [];
  let failed = 0;
  for (const id of ids) {
    try {
      const stub = conversationStub(host.env, id);
      const result = siteKey && stub ? await stub.erase(siteKey) : null;
      // 403: the object belongs to another site; only this site's row of it goes.
      if (!result || ("error" in result && result.error.status !== 403))
        throw new Error(result ? result.error.message : "no site key");
      erased.push(id);
    } catch (err) {
      console.error(`site: could not erase conversation ${id}`, err);
      failed++;
      if (opts.stopOnFailure) break;
    }
  }
  // Operators' lists still show them (their open tabs hear it from the conversation).
  if (erased.length) host.conversationsErased(erased);
  return { erased, failed };
}
