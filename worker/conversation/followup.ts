/**
 * Email follow-ups. When an operator answers a visitor whose email we know, the `followup`
 * timer is set; when it runs, the answers the visitor has not seen in the widget (no `read`
 * past them) go out in ONE email, after the site's delay counted from the first of them.
 * Seen in time → no email. The email's Reply-To is a signed address of this conversation,
 * and Message-ID / In-Reply-To / References keep every email of it in one thread.
 */
import { followupEmail, newMessageId, replyAddress, transcriptEmail, unsubscribeToken } from "../email";
import { withFileLinks } from "../files/email";
import type { EmailContext } from "../site/mail/settings";
import type { ConversationHost } from "./host";
import type { ConversationState } from "./store";
import { conversationLocale, conversationTimezone } from "./language";

export const FOLLOWUP_TIMER = "followup";

/** After an operator's answer (or the visitor leaving an email): an email may be owed. */
export async function answerPosted(host: ConversationHost, at: number): Promise<void> {
  const state = host.store.state();
  if (!state?.email || host.timers.get(FOLLOWUP_TIMER)) return; // several answers → one email
  if (!askedSomething(state)) return;
  if (!host.store.answersAfter(Math.max(state.visitor_read_seq, state.followup_seq)).length) return;
  // Runs at once, off the message path, to learn the site's delay; then waits for it.
  await host.timers.set(FOLLOWUP_TIMER, at, {});
}

/**
 * The timer's job: `ready` once the site's delay was waited for, counted from the answer
 * `first` (a seq). Jobs stored before `first` was kept have none.
 */
interface FollowupJob {
  ready?: boolean;
  first?: number;
}

/** The timer's handler: sends the unseen answers, or nothing if the visitor saw them. */
export async function runFollowup(host: ConversationHost, job: FollowupJob): Promise<void> {
  const state = host.store.state();
  if (!state?.email || !askedSomething(state)) return;
  const answers = host.store.answersAfter(Math.max(state.visitor_read_seq, state.followup_seq));
  if (!answers.length) return;
  const site = host.site();
  const ctx = await site.emailContext(state.visitor_id);
  if (!ctx) return;
  const due = answers[0]!.at + ctx.followupDelayMs;
  // The wait was for the first answer then unseen; when the visitor has read it since, the
  // delay counts from the first they have not.
  const waited = job.ready && (job.first === undefined || job.first === answers[0]!.seq);
  if (!waited && Date.now() < due)
    return host.timers.set(FOLLOWUP_TIMER, due, { ready: true, first: answers[0]!.seq } satisfies FollowupJob);

  const token = await unsubscribeToken(state.email, state.site_key, host.env.TOKEN_SECRET);
  const files = { siteKey: state.site_key, conversationId: host.id, publicUrl: ctx.publicUrl };
  const linked = await withFileLinks(host.env, files, answers);
  const context = await withFileLinks(host.env, files, host.store.visibleBefore(answers[0]!.seq, 4));
  const replyTo = host.env.INBOUND_DOMAIN
    ? await replyAddress(host.id, host.env.TOKEN_SECRET, host.env.INBOUND_DOMAIN)
    : undefined;
  // Read again after the awaits: meanwhile the visitor may have read the answers in the
  // widget, left another address, deleted one, or the conversation was erased. An answer
  // read there is not emailed; when the first were read, the timer counts the delay again
  // from the first still owed.
  const now = host.store.state();
  if (now?.email !== state.email) return;
  const owed = new Set(host.store.answersAfter(Math.max(now.visitor_read_seq, now.followup_seq)).map((a) => a.seq));
  if (!owed.size) return;
  if (!owed.has(answers[0]!.seq)) return host.timers.set(FOLLOWUP_TIMER, Date.now(), {});

  const thread: string[] = JSON.parse(now.email_thread ?? "[]");
  const root = threadRoot(host.id, ctx.senderDomain);
  const messageId = newMessageId(ctx.senderDomain);
  const reader = readerOf(host, ctx);
  // The page the link opens speaks the email's language.
  const unsubscribeUrl = `${ctx.publicUrl}/api/v1/unsubscribe?t=${encodeURIComponent(token)}&lang=${reader.locale}`;
  const composed = followupEmail({
    site: ctx.siteName,
    ...reader,
    visitorName: now.visitor_name,
    answers: linked.filter((a) => owed.has(a.seq)),
    context,
    chatUrl: ctx.chatUrl,
    unsubscribeUrl,
  });
  await site.sendMail({
    kind: "followup",
    to: now.email,
    ...(now.visitor_name ? { toName: now.visitor_name } : {}),
    ...composed,
    conversationId: host.id,
    ...(replyTo ? { replyTo } : {}),
    messageId,
    inReplyTo: thread.at(-1) ?? root,
    references: [root, ...thread.slice(-9)],
    // One-click unsubscribe (RFC 8058) needs https; a local run over http keeps only the link in the text.
    ...(ctx.publicUrl.startsWith("https://") ? { listUnsubscribe: { url: unsubscribeUrl } } : {}),
    headers: { "Auto-Submitted": "auto-generated" },
    secrets: [token],
  });
  // Erased while the Site sent it: nothing is written into the emptied object.
  if (!host.store.state()) return;
  host.store.update({
    followup_seq: answers.at(-1)!.seq,
    email_thread: JSON.stringify([...thread, messageId].slice(-20)),
  });
}

/**
 * The id every follow-up of a conversation names first in its References, though no email
 * carries it as its own Message-ID. MailChannels writes the Message-ID itself (a header its
 * API reserves), so the ids we keep are not those in the visitor's mailbox; a root all the
 * emails name keeps them in one thread in mail apps whatever id the provider gave each (as
 * GitHub's notification emails thread).
 */
function threadRoot(conversationId: string, senderDomain: string): string {
  return `<chat.${conversationId}@${senderDomain}>`;
}

/**
 * Whether the visitor has written in this conversation. An operator's first message to a
 * visitor who never wrote (a proactive one, to a shop customer whose email is known) answers
 * nothing: mailing it as "we answered your question" would be unsolicited.
 */
function askedSomething(state: ConversationState): boolean {
  return state.first_visitor_at !== null;
}

/** The language and zone the visitor reads in (see ./language.ts). */
function readerOf(host: ConversationHost, ctx: EmailContext) {
  const state = host.store.state()!;
  return {
    locale: conversationLocale(host.store.visitorTexts(20), state.locale, ctx.visitorLocale, ctx.siteLocale),
    timezone: conversationTimezone(state.timezone, ctx.visitorTimezone, ctx.timezone),
  };
}

/** Emails the whole conversation to `to` (the visitor's own address unless an operator gives one). */
export async function sendTranscript(host: ConversationHost, to: string): Promise<{ id: string; status: string }> {
  const state = host.store.state()!;
  const ctx = (await host.site().emailContext(state.visitor_id))!;
  const messages = await withFileLinks(
    host.env,
    { siteKey: state.site_key, conversationId: host.id, publicUrl: ctx.publicUrl },
    host.store.visibleBefore(Number.MAX_SAFE_INTEGER, 500),
  );
  const composed = transcriptEmail({
    site: ctx.siteName,
    ...readerOf(host, ctx),
    messages,
    chatUrl: ctx.chatUrl,
  });
  return host.site().sendMail({
    kind: "transcript",
    to,
    ...composed,
    conversationId: host.id,
    ...(host.env.INBOUND_DOMAIN
      ? { replyTo: await replyAddress(host.id, host.env.TOKEN_SECRET, host.env.INBOUND_DOMAIN) }
      : {}),
  });
}
