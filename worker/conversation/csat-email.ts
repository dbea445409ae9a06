/**
 * Asking by email for the rating of a conversation resolved after its visitor left: one
 * email in the conversation's language with a signed link per score (worker/email/rating.ts).
 * The link opens a page that records the score on its POST (api/rate.ts).
 */
import { replyAddress } from "../email";
import { ratingEmail, ratingToken } from "../email/rating";
import type { ConversationHost } from "./host";
import { conversationLocale } from "./language";
import type { ConversationState } from "./store";

export async function askByEmail(host: ConversationHost, asked: ConversationState): Promise<void> {
  if (!asked.email) return;
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
  if (host.sockets("visitor").length > 0) return;
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
  await site.sendMail({
    kind: "rating",
    to: state.email,
    ...(state.visitor_name ? { toName: state.visitor_name } : {}),
    ...composed,
    conversationId: host.id,
    ...(replyTo ? { replyTo } : {}),
    headers: { "Auto-Submitted": "auto-generated" },
    secrets: [token],
  });
}
