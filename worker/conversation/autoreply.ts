/**
 * Auto-replies in a conversation. A visitor message that opens a wait sets the `autoreply`
 * timer for "now"; when it runs (off the message path) it asks the Site for the rules, and
 * either waits until the rule's timeout has passed or posts the reply. An operator answer
 * cancels it. At most one auto-reply per wait, however often the alarm runs. When the Site
 * said within the last minute that it has no rules (./automations.ts), a wait sets no timer.
 */
import { chooseReply, withinQuietWindow } from "../autoreply";
import { automations, automationsIfAsked } from "./automations";
import type { ConversationHost } from "./host";

export const AUTOREPLY_TIMER = "autoreply";
/**
 * The widget uploads the visitor's time zone and language with their first message, on
 * another request; an auto-reply due at once waits for them, looking again every
 * CONTEXT_RECHECK_MS for at most CONTEXT_GRACE_MS, so that its "back at 10:00" is in the
 * visitor's time.
 */
export const CONTEXT_GRACE_MS = 3000;
export const CONTEXT_RECHECK_MS = 250;

interface AutoReplyJob {
  /** `waiting_since` of the wait this job is for. */
  waitStart: number;
  /** Set when the job was moved to the end of the rule's timeout: post when it runs. */
  timedOut?: boolean;
}

/** After a visitor's chat message that started a wait. */
export async function startWait(host: ConversationHost, waitStart: number): Promise<void> {
  // The tab's hello has asked the Site (./automations.ts); its answer is used, not waited for twice.
  if ((await automationsIfAsked(host))?.autoReplies === false) return;
  await host.timers.set(AUTOREPLY_TIMER, waitStart, { waitStart } satisfies AutoReplyJob);
}

/** After an operator's message: the wait is over. */
export async function endWait(host: ConversationHost): Promise<void> {
  await host.timers.cancel(AUTOREPLY_TIMER);
}

/** The conversation's state while the job's wait is still open and unanswered, else null. */
function waitUnanswered(host: ConversationHost, job: AutoReplyJob) {
  const state = host.store.state();
  return state && state.waiting_since === job.waitStart && state.autoreplied_wait !== job.waitStart ? state : null;
}

/** The timer's handler: decides, waits for the timeout, or posts the reply. Idempotent. */
export async function runAutoReply(host: ConversationHost, job: AutoReplyJob): Promise<void> {
  const before = waitUnanswered(host, job);
  if (!before) return;
  // Usually known by now (the tab's hello, or the bot's question about this message): a site
  // without rules then costs no question about this visitor.
  if ((await automations(host)).autoReplies === false) return;
  const context = await host.site().autoReplyContext(before.visitor_id);
  // Other events come in while the Site is asked: an operator's answer ends the wait.
  const state = waitUnanswered(host, job);
  if (!state || !context || context.settings.rules.length === 0) return;
  const now = Date.now();
  if (withinQuietWindow(context.settings, new Date(now), state.last_operator_at)) return;
  const reply = chooseReply(context.settings, {
    at: new Date(now),
    emailKnown: !!state.email,
    locale: state.locale ?? context.contact.locale ?? context.siteLocale,
    url: context.lastPage,
    utmSource: context.utmSource,
    returning: context.returning,
    name: state.visitor_name ?? context.contact.name ?? undefined,
    visitorTimezone: state.timezone ?? context.contact.timezone ?? undefined,
    department: state.department,
    operatorsOnline: context.operatorsOnline,
  });
  // No rule for this period: nothing will be posted in this wait, so nothing to look at again.
  if (!reply.text || !reply.rule) return;
  const due = job.waitStart + reply.timeoutSec * 1000;
  if (!job.timedOut && now < due) return host.timers.set(AUTOREPLY_TIMER, due, { ...job, timedOut: true });
  // A reply due within the grace waits for the visitor's zone, so its times are theirs; the
  // zone only words the text, so the rule chosen above stands.
  const zoneKnown = !!(state.timezone ?? context.contact.timezone);
  if (!zoneKnown && now < job.waitStart + CONTEXT_GRACE_MS) {
    return host.timers.set(AUTOREPLY_TIMER, Math.min(now + CONTEXT_RECHECK_MS, job.waitStart + CONTEXT_GRACE_MS), {
      ...job,
      timedOut: true,
    });
  }
  // Marked before posting: a second run of this alarm finds it done.
  host.store.update({ autoreplied_wait: job.waitStart, ...(reply.askEmail ? { ask_email: 1 } : {}) });
  host.post({
    author: { kind: "bot", ...(context.teamName ? { name: context.teamName } : {}) },
    text: reply.text,
    at: now,
    meta: {
      autoReply: reply.rule.id,
      period: reply.period,
      nextOpening: reply.nextOpening?.getTime() ?? null,
      ...(reply.askEmail ? { ask: "email" } : {}),
    },
  });
  if (reply.askEmail) host.toVisitors({ type: "contact", emailKnown: false, askEmail: true });
}
