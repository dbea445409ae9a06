/**
 * Visitor sessions: the one place a widget's session start is checked (origin, the shop's
 * signed identity) and answered with the visitor, their conversation and the widget's config.
 */
import { fromHex, hmacSha256, randomHex, sameBytes } from "../lib/crypto";
import { failure, type Failure } from "../lib/errors";
import { conversationStub, newConversationId } from "../lib/jurisdiction";
import { hasAppointmentNow, readAppointmentSettings } from "./appointments";
import type { Identity, SiteSettings, Trail, TrailCart, VisitorClient, WidgetConfig } from "../protocol";
import { blockedFailure, blockOn, onPageView } from "./engage";
import { contactOf, recordClient, upsertContact, visitorOfUser } from "./contacts";
import { defer, type SiteHost } from "./host";
import { isListed } from "./inbox";
import { recordIdentityRefused, recordOrigin } from "./install";
import { operatorsOnline } from "./presence";
import { countVisitor } from "./reports";
import { acceptedSecrets } from "./secrets";
import { originAllowed, siteSettingsOf } from "./settings";
import { notLive } from "./signup";
import { countNewConversation, countSession, limitScale } from "./visitor-limits";

export interface SessionRequest {
  origin: string | null;
  /** From a valid visitor token, if the widget had one. */
  visitorId?: string;
  conversationId?: string;
  identity?: Identity;
  trail?: Trail;
  /** This page view's trail and cart (who is online now; never stored). */
  visit?: Trail;
  cart?: TrailCart;
  locale?: string;
  timezone?: string;
  /** Country and city from `request.cf`, and the User-Agent (for the visitor card). */
  client?: VisitorClient;
  /** The client's IP, keyed with HMAC by the Worker, for the limits of ./visitor-limits.ts. */
  ipKey?: string;
}

export interface SessionGrant {
  visitorId: string;
  conversationId: string;
  config: WidgetConfig;
}

/**
 * What a shop signs: the user id alone, or the user id and the email (`userId + "\n" +
 * email`). Only a signed email is stored as verified; an unsigned one beside a hash over the
 * user id alone is kept as something the visitor said, so a shopper cannot make any email
 * look verified.
 */
export function identityMessage(userId: string, email?: string): string {
  return email === undefined ? userId : `${userId}\n${email}`;
}

/** "email" when the hash covers the user id and email, "user" when only the user id, else null. */
export async function checkIdentity(sql: SqlStorage, identity: Identity): Promise<"email" | "user" | null> {
  const given = fromHex(identity.hash);
  if (!given) return null;
  for (const secret of acceptedSecrets(sql, "identity")) {
    if (
      identity.email !== undefined &&
      sameBytes(given, await hmacSha256(secret, identityMessage(identity.userId, identity.email)))
    ) {
      return "email";
    }
    if (sameBytes(given, await hmacSha256(secret, identity.userId))) return "user";
  }
  return null;
}

/**
 * Starts or resumes a visitor's session: checks the origin and the identity, picks the
 * visitor and their open conversation (or a new conversation id; the Conversation object
 * itself is only created when the visitor connects), and stores the trail if sent.
 */
export async function startSession(host: SiteHost, req: SessionRequest): Promise<SessionGrant | Failure> {
  const { sql } = host;
  const settings = siteSettingsOf(sql);
  if (!settings) return failure(404, "unknown_site", "no such site");
  const pending = notLive(sql);
  if (pending) return pending;
  const allowed = originAllowed(req.origin, settings.allowedOrigins);
  recordOrigin(sql, req.origin, allowed);
  if (!allowed) {
    return failure(
      403,
      "origin_not_allowed",
      `origin ${req.origin ?? "(none)"} is not allowed for this site; add it to the site's allowed origins`,
    );
  }
  const blockedIp = blockOn(sql, req.visitorId, req.ipKey);
  if (blockedIp) return blockedFailure(blockedIp.until);
  // Every page view asks (the presence beat): a client over the limit keeps its stored session
  // and misses only that beat, so resumed sessions count too (one client cannot flood the Site).
  const tooMany = countSession(sql, req.ipKey, limitScale(host.env));
  if (tooMany) return tooMany;
  let visitorId = req.visitorId;
  let verified = false;
  if (req.identity) {
    const signed = await checkIdentity(sql, req.identity);
    if (!signed) recordIdentityRefused(sql);
    if (!signed)
      return failure(
        401,
        "bad_identity",
        'identity hash does not match HMAC-SHA256(identity secret, userId) nor HMAC-SHA256(identity secret, userId + "\\n" + email)',
      );
    verified = signed === "email" || req.identity.email === undefined;
    const known = visitorOfUser(sql, req.identity.userId);
    // A browser where another of the shop's users chatted (a shared computer) starts a visitor
    // of its own: this user neither reads that one's conversation nor takes over their contact.
    const ofAnotherUser = !known && visitorId !== undefined && contactOf(sql, visitorId)?.userId;
    visitorId = known ?? (ofAnotherUser ? undefined : visitorId);
  }
  visitorId ??= `v_${randomHex(12)}`;
  const blocked = visitorId !== req.visitorId && blockOn(sql, visitorId, undefined);
  if (blocked) return blockedFailure(blocked.until);
  if (req.identity || req.trail) {
    const id = req.identity;
    upsertContact(sql, visitorId, {
      ...(id
        ? { userId: id.userId, ...(id.email ? { email: id.email } : {}), ...(id.name ? { name: id.name } : {}) }
        : {}),
      verified: !!id && verified,
      ...(req.locale ? { locale: req.locale } : {}),
      ...(req.timezone ? { timezone: req.timezone } : {}),
      ...(req.trail ? { trail: req.trail } : {}),
    });
  }
  if (req.client) recordClient(sql, visitorId, req.client, req.ipKey);
  const conversationId = openConversationOf(
    host,
    visitorId,
    req.visitorId === visitorId ? req.conversationId : undefined,
  );
  if (conversationId !== req.conversationId && !isListed(sql, conversationId)) {
    const refused = countNewConversation(sql, req.ipKey, visitorId, limitScale(host.env));
    if (refused) return refused;
  }
  const contact = contactOf(sql, visitorId);
  // The token's conversation may still be on its way to the inbox: it counts as started too.
  if (req.identity && contact && (req.conversationId === conversationId || isListed(sql, conversationId))) {
    // The conversation copied the visitor at first contact; an identity learnt later updates it.
    const conversation = conversationStub(host.env, conversationId);
    if (conversation) {
      defer(
        host,
        "identity update",
        conversation.updateVisitor({ email: contact.email, name: contact.name, verified: contact.verified }),
      );
    }
  }
  const look = lookIn(settings.look, req.locale);
  // Every visitor the widget sees counts once a day for conversion; the count keeps no visitor.
  if (req.visit) defer(host, "visitor count", countVisitor(host, visitorId, settings.timezone));
  const engage = req.visit
    ? onPageView(host, {
        visitorId,
        conversationId,
        visit: req.visit,
        ...(req.cart ? { cart: req.cart } : {}),
        ...(req.locale ? { locale: req.locale } : {}),
        ...(req.client?.language ? { language: req.client.language } : {}),
        ...(req.ipKey ? { ipKey: req.ipKey } : {}),
        chatted: isListed(sql, conversationId),
        teamName: look.teamName || settings.name,
      })
    : null;
  return {
    visitorId,
    conversationId,
    config: {
      siteName: settings.name,
      locale: settings.locale,
      look,
      operatorsOnline: operatorsOnline(host) > 0,
      emailKnown: !!contact?.email,
      video: settings.video?.enabled === true,
      ...(engage ? { engage } : {}),
      appointments: readAppointmentSettings(sql)?.enabled === true,
      appointmentNow: hasAppointmentNow(sql, visitorId),
      rating: settings.rating?.scale ?? "five",
    },
  };
}

/**
 * The look with the greeting and team name in the widget's language when the site wrote
 * them in it, else the site's default ones. `texts` stays out of the widget's config.
 */
export function lookIn(look: SiteSettings["look"], locale: string | undefined): WidgetConfig["look"] {
  const { texts, ...rest } = look;
  const own = texts?.[locale?.slice(0, 2).toLowerCase() === "ru" ? "ru" : "en"];
  return { ...rest, greeting: own?.greeting || rest.greeting, teamName: own?.teamName || rest.teamName };
}

/**
 * How long a resolved conversation stays the visitor's: a page view asks for a session, and a
 * visitor who reloads right after the resolve (to rate it, or to read the answer again) must
 * find their thread, not an empty chat. Later they start afresh.
 */
const RESOLVED_STAYS_MS = 60 * 60 * 1000;

/**
 * The conversation a visitor should continue: the token's if still open (or resolved within
 * the last hour), else their open one, else new.
 */
function openConversationOf(host: SiteHost, visitorId: string, fromToken?: string): string {
  if (fromToken) {
    const row = host.sql
      .exec<{ status: string; updated_at: number }>("SELECT status, updated_at FROM inbox WHERE id = ?", fromToken)
      .toArray()[0];
    if (!row || row.status === "open" || Date.now() - row.updated_at < RESOLVED_STAYS_MS) return fromToken;
  }
  const open = host.sql
    .exec<{ id: string }>(
      "SELECT id FROM inbox WHERE visitor_id = ? AND status = 'open' ORDER BY updated_at DESC LIMIT 1",
      visitorId,
    )
    .toArray()[0];
  return open?.id ?? newConversationId(host.env, host.siteKey() ?? "");
}
