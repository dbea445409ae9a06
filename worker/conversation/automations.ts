/**
 * What a conversation knows of its site's automations: whether the bot answers questions or
 * runs a greeting scenario, and whether any auto-reply rule exists. Asked of the Site at
 * most once a minute (the first time when the visitor's tab says hello), so that on the
 * message path a site with its bot and auto-replies off costs no question, timer or alarm
 * per message or per wait. The answer is kept in the object's storage as well as in memory:
 * an object woken from hibernation within that minute (a visitor who writes a while after
 * opening the chat) knows it without asking again. A change in the admin is heard by the
 * conversation within that minute.
 */
import type { ConversationHost } from "./host";

export type Automations = { faq: boolean; scenario: boolean; autoReplies: boolean };

/** How long a conversation trusts what its Site said. */
const FRESH_MS = 60_000;
/** The object's key-value entry that keeps the answer across hibernation. */
const KEPT_KEY = "automations";

type Heard = { automations: Automations; at: number };
/** The answer in memory; null once storage was looked at and held none. */
const heard = new WeakMap<ConversationHost, Heard | null>();
/** The Site's answer while it is on its way: messages meanwhile wait for it, not ask again. */
const asking = new WeakMap<ConversationHost, Promise<Automations>>();

/** What the Site said within the last minute, or null: from memory (storage once after a wake). */
export function knownAutomations(host: ConversationHost): Automations | null {
  let known = heard.get(host);
  if (known === undefined) {
    known = host.kv.get<Heard>(KEPT_KEY) ?? null;
    heard.set(host, known);
  }
  return known && Date.now() - known.at < FRESH_MS ? known.automations : null;
}

/** What the Site said within the last minute or is saying now; null when nobody asked. */
export function automationsIfAsked(host: ConversationHost): Promise<Automations | null> {
  const known = knownAutomations(host);
  return known ? Promise.resolve(known) : (asking.get(host) ?? Promise.resolve(null));
}

/** The site's automations, asked of the Site when not known for the last minute. */
export function automations(host: ConversationHost): Promise<Automations> {
  const known = knownAutomations(host);
  if (known) return Promise.resolve(known);
  let asked = asking.get(host);
  if (!asked) {
    asked = host
      .site()
      .automations()
      .then((answer) => {
        const kept: Heard = { automations: answer, at: Date.now() };
        heard.set(host, kept);
        host.kv.put(KEPT_KEY, kept);
        return answer;
      })
      .finally(() => asking.delete(host));
    asking.set(host, asked);
  }
  return asked;
}
