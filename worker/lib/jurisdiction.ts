/**
 * Where a site's Durable Objects live, said explicitly. A site created in the EU has a key
 * that starts with `eu-`; its Site object lives in `SITE.jurisdiction("eu")` and its
 * conversations are made there too. The key alone says where a site lives, so finding it
 * costs no lookup. Every stub of a Site or a Conversation comes from the functions below:
 * `env` stays what the platform gives, so nothing can reach an EU site outside the EU by
 * calling `env.SITE.idFromName` directly — there is no other place that picks a namespace.
 *
 * workerd (`npm start`, tests) throws "Jurisdiction restrictions are not implemented": there
 * the jurisdiction is accepted but not enforced (the plain namespace is used). In production
 * that error is never swallowed: an EU site must not silently land outside the EU.
 * https://developers.cloudflare.com/durable-objects/reference/data-location/
 */
import { isLocal, type Env } from "../env";

export const JURISDICTIONS = ["eu"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** `"eu"` for `eu-…` keys, else null (the default: Cloudflare picks the location). */
export function jurisdictionOfKey(siteKey: string): Jurisdiction | null {
  return siteKey.startsWith("eu-") ? "eu" : null;
}

/** The key prefix of a jurisdiction: `eu-`. */
export function keyPrefix(jurisdiction: Jurisdiction | null): string {
  return jurisdiction ? `${jurisdiction}-` : "";
}

/** `ns.jurisdiction(j)`, or `ns` itself where the runtime has no jurisdictions (local only). */
function inJurisdiction<T extends Rpc.DurableObjectBranded | undefined>(
  ns: DurableObjectNamespace<T>,
  jurisdiction: Jurisdiction | null,
  local: boolean,
): DurableObjectNamespace<T> {
  if (!jurisdiction) return ns;
  try {
    return ns.jurisdiction(jurisdiction);
  } catch (err) {
    if (local) return ns;
    throw err;
  }
}

type Bindings = Pick<Env, "SITE" | "CONVERSATION" | "ENVIRONMENT">;

/** The stub of site `siteKey`, in its jurisdiction. */
export function siteStub(env: Pick<Env, "SITE" | "ENVIRONMENT">, siteKey: string) {
  const ns = inJurisdiction(env.SITE, jurisdictionOfKey(siteKey), isLocal(env as Env));
  return ns.get(ns.idFromName(siteKey));
}

/** A new conversation id of site `siteKey`, made in the site's jurisdiction. */
export function newConversationId(env: Bindings, siteKey: string): string {
  return inJurisdiction(env.CONVERSATION, jurisdictionOfKey(siteKey), isLocal(env as Env))
    .newUniqueId()
    .toString();
}

/**
 * The stub of conversation `id`, or null when `id` is not a conversation id of this
 * deployment (ids encode their jurisdiction, so the top-level namespace finds any of them).
 */
export function conversationStub(env: Pick<Env, "CONVERSATION">, id: string) {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  let objectId: DurableObjectId;
  try {
    objectId = env.CONVERSATION.idFromString(id);
  } catch {
    return null; // 64 hex characters that no namespace of ours made
  }
  return env.CONVERSATION.get(objectId);
}
