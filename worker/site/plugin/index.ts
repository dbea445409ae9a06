/**
 * The CMS plugin's side of the site: calls it signs (status, order events), checked against
 * the current or previous plugin secret and accepted once, and the WooCommerce data the
 * Worker fetches from the shop for the visitor card. Tables: `order_events`, `plugin_nonces`.
 */
import { failure, type Failure } from "../../lib/errors";
import { acceptedSecrets } from "../secrets";
import { siteMeta, siteStatus } from "../signup";
import * as events from "./events";
import { verifySignature, type SignedRequest } from "./signature";
import { fetchWooCustomer, type WooCustomer } from "./woo";

export { orderEvents } from "./events";

/** A request a plugin signed, as the Worker received it. */
export interface SignedCall extends SignedRequest {
  timestamp: string | null;
  signature: string | null;
}

/** Checks a plugin's signature (current or previous plugin secret); a POST is accepted once. */
async function verifyPlugin(sql: SqlStorage, call: SignedCall): Promise<true | Failure> {
  if (!siteStatus(sql)) return failure(404, "unknown_site", "no such site");
  const checked = await verifySignature(acceptedSecrets(sql, "plugin"), call, call);
  if (checked !== true) return checked;
  if (call.method.toUpperCase() !== "GET" && !events.firstUse(sql, call.signature!)) {
    return failure(401, "replayed_request", "this signed request was received before; sign every request anew");
  }
  return true;
}

/** The plugin's status check: `{status, name}`. */
export async function pluginStatus(sql: SqlStorage, call: SignedCall) {
  const checked = await verifyPlugin(sql, call);
  if (checked !== true) return checked;
  return siteStatus(sql)!;
}

/** A plugin event (order_placed): verified, validated, stored once. */
export async function pluginEvent(
  sql: SqlStorage,
  call: SignedCall,
): Promise<{ ok: true; duplicate: boolean } | Failure> {
  const checked = await verifyPlugin(sql, call);
  if (checked !== true) return checked;
  let json: unknown;
  try {
    json = JSON.parse(call.body);
  } catch {
    return failure(400, "bad_json", "body is not valid JSON");
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (!events.EVENT_TYPES.includes(type as never)) {
    return failure(400, "unknown_event", `type must be one of: ${events.EVENT_TYPES.join(", ")}`);
  }
  const parsed = events.orderPlacedEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return failure(400, "invalid_body", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return { ok: true, duplicate: events.recordOrder(sql, parsed.data).duplicate };
}

/** The WooCommerce cart and orders of an identified visitor, from the shop. */
export async function wooCustomer(
  sql: SqlStorage,
  visitorId: string,
): Promise<{ customer: WooCustomer; userId: string } | Failure> {
  const contact = sql
    .exec<{ user_id: string | null }>("SELECT user_id FROM contacts WHERE visitor_id = ?", visitorId)
    .toArray()[0];
  if (!contact) return failure(404, "unknown_visitor", "no contact with this visitor id");
  if (!contact.user_id)
    return failure(404, "not_identified", "this visitor was not identified by the shop (no user id)");
  const url = siteMeta(sql).url;
  if (!url) return failure(409, "no_shop_url", "this site has no shop URL; it is set when the plugin connects");
  const customer = await fetchWooCustomer({
    shopUrl: url,
    secrets: acceptedSecrets(sql, "plugin"),
    userId: contact.user_id,
  });
  return "error" in customer ? customer : { customer, userId: contact.user_id };
}
