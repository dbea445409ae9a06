/**
 * Asking by email for the rating of a conversation resolved after its visitor left: one
 * email in the conversation's language with a signed link per score (worker/email/rating.ts).
 * The link opens a page that records the score on its POST (api/rate.ts). A conversation
 * resolved again (the visitor wrote once more) asks no more while the last email's links
 * work: they rate it still, and a shop should not ask the same person again and again.
 */
import { replyAddress } from "../email";
import { RATING_LINK_DAYS, ratingEmail, ratingToken } from "../email/rating";
import type { ConversationHost } from "./host";
import { conversationLocale } from "./language";
import type { ConversationState } from "./store";

/** When the last rating email of this conversation went to the provider (epoch ms). */
export const RATING_EMAILED_KEY = "csat.emailedAt";

/** Whether a rating email of this conversation went out within its links' lifetime. */
function askedRecently(host: ConversationHost): boolean {
  const at = host.kv.get<number>(RATING_EMAILED_KEY);
  return at !== undefined && Date.now() - at < RATING_LINK_DAYS * 86_400_000;
}

/**
 * Whether the visitor wrote in it: a conversation that is only an operator's unanswered
 * first message (to a shop customer whose email is known) has nothing they could rate.
 */
function visitorWrote(state: ConversationState): boolean {
  return state.first_visitor_at !== null;
}

export async function askByEmail(host: ConversationHost, asked: ConversationState): Promise<void> {
  if (!asked.email || !visitorWrote(asked) || askedRecently(host)) return;
  const site = host.site();
  // A visitor who answers the email in words ("the lamp flickers now") reaches the
  // conversation, as with a follow-up; without it their reply went to the sender address.
  const replyTo = host.env.INBOUND_DOMAIN
    ? await replyAddress(host.id, host.env.TOKEN_SECRET, host.env.INBOUND_DOMAIN)
    : undefined;
  const ctx = await site.emailContext(asked.visitor_id);
  // What decided is read again after asking the Site: meanwhile the operator may have
  // reopened it, the visitor rated it or came back to a tab, or it was erased.
  const state = host.store.state();
  if (!ctx || !state?.email || state.status !== "resolved" || state.rating !== null) return;
  if (host.sockets("visitor").length > 0 || askedRecently(host)) return;
  // Taken before sending, so a resolve meanwhile does not ask too; given back when the
  // email reached nobody (unsubscribed, over the day's limit, refused by the provider).
  const before = host.kv.get<number>(RATING_EMAILED_KEY);
  host.kv.put(RATING_EMAILED_KEY, Date.now());
  // The language its follow-ups and transcript speak: the visitor's words, else the widget's.
  const locale = conversationLocale(host.store.visitorTexts(20), state.locale, ctx.visitorLocale, ctx.siteLocale);
  const token = await ratingToken(
    host.env.TOKEN_SECRET,
    { siteKey: state.site_key, conversationId: host.id, locale, scale: ctx.ratingScale },
    Date.now(),
  );
  const composed = ratingEmail({
    site: ctx.siteName,
    locale,
    scale: ctx.ratingScale,
    rateUrl: `${ctx.publicUrl}/api/v1/rate?t=${token}`,
  });
  const { status } = await site.sendMail({
    kind: "rating",
    to: state.email,
    ...(state.visitor_name ? { toName: state.visitor_name } : {}),
    ...composed,
    conversationId: host.id,
    ...(replyTo ? { replyTo } : {}),
    headers: { "Auto-Submitted": "auto-generated" },
    secrets: [token],
  });
  if (status === "suppressed" || status === "limited" || status === "failed") {
    // Erased while the Site sent it: nothing is written into the emptied object.
    if (!host.store.state()) return;
    if (before === undefined) host.kv.delete(RATING_EMAILED_KEY);
    else host.kv.put(RATING_EMAILED_KEY, before);
  }
}
