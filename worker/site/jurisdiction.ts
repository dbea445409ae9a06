/**
 * Durable Object jurisdictions. A site created in the EU has a key that starts with `eu-`;
 * its Site object lives in `SITE.jurisdiction("eu")` and its conversations are made with
 * `CONVERSATION.jurisdiction("eu").newUniqueId()`. The key alone says where a site lives,
 * so finding it costs no lookup.
 *
 * Every Worker handler and Durable Object gets an env whose `SITE.idFromName(key)` already
 * picks the key's jurisdiction (`withJurisdictions`, applied in worker/index.ts), so code that
 * writes `env.SITE.idFromName(siteKey)` is right for EU sites too. Conversation ids encode
 * their jurisdiction, and the top-level namespace's `idFromString`/`get` accept ids of any
 * jurisdiction, so nothing changes where conversations are looked up by id.
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
export function inJurisdiction<T extends Rpc.DurableObjectBranded | undefined>(
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

/** The namespace that holds the site `siteKey`. */
export function siteNamespace(env: Pick<Env, "SITE" | "ENVIRONMENT">, siteKey: string): Env["SITE"] {
  return inJurisdiction(env.SITE, jurisdictionOfKey(siteKey), isLocal(env as Env));
}

/** The stub of site `siteKey`, in its jurisdiction. */
export function siteStub(env: Pick<Env, "SITE" | "ENVIRONMENT">, siteKey: string) {
  const ns = siteNamespace(env, siteKey);
  return ns.get(ns.idFromName(siteKey));
}

/**
 * The env with jurisdiction-aware namespaces: `SITE.idFromName`/`getByName` pick the key's
 * jurisdiction; inside an EU Site (`self` given), `CONVERSATION.newUniqueId()` makes EU ids.
 */
export function withJurisdictions<E extends Env>(env: E, self?: DurableObjectId): E {
  const local = isLocal(env);
  const sites = env.SITE;
  const site: Env["SITE"] = {
    idFromName: (name) => inJurisdiction(sites, jurisdictionOfKey(name), local).idFromName(name),
    getByName: (name, options) => inJurisdiction(sites, jurisdictionOfKey(name), local).getByName(name, options),
    idFromString: (id) => sites.idFromString(id),
    newUniqueId: (options) => sites.newUniqueId(options),
    get: (id, options) => sites.get(id, options),
    jurisdiction: (j) => sites.jurisdiction(j),
  };
  const own = self ? ((self.jurisdiction as Jurisdiction | undefined) ?? (self.name ? jurisdictionOfKey(self.name) : null)) : null;
  if (!own) return { ...env, SITE: site };
  const conversations = env.CONVERSATION;
  const conversation: Env["CONVERSATION"] = {
    idFromName: (name) => conversations.idFromName(name),
    getByName: (name, options) => conversations.getByName(name, options),
    idFromString: (id) => conversations.idFromString(id),
    newUniqueId: (options) => (options ? conversations.newUniqueId(options) : inJurisdiction(conversations, own, local).newUniqueId()),
    get: (id, options) => conversations.get(id, options),
    jurisdiction: (j) => conversations.jurisdiction(j),
  };
  return { ...env, SITE: site, CONVERSATION: conversation };
}
