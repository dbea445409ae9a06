/**
 * WooCommerce data for the operator's visitor card, fetched by the Worker from the plugin's
 * signed REST route (plugins/wordpress/edgechat/includes/class-edgechat-rest.php):
 *
 *   GET {shop url}/wp-json/edgechat/v1/customer?user_id=N  →  {cart, orders}
 *
 * signed with the site's plugin secret (worker/site/plugin-signature.ts). WordPress with
 * plain permalinks has no /wp-json/ path; a non-JSON 404 there is retried as
 * `/?rest_route=/edgechat/v1/customer&user_id=N`. During a plugin-secret rotation the shop
 * may still hold the previous secret: a 401 is retried with it.
 */
import { failure, type Failure } from "../../lib/errors";
import { signatureHeaders } from "./signature";

export interface WooCustomer {
  cart: { items: unknown[]; total: number; currency: string } | null;
  orders: unknown[];
}

export interface WooRequest {
  /** The shop's address as stored at signup, e.g. https://shop.example or https://example.com/shop. */
  shopUrl: string;
  /** Accepted secrets, current first. */
  secrets: string[];
  /** The WordPress user id of the identified visitor. */
  userId: string;
  fetcher?: typeof fetch;
  timeoutMs?: number;
}

const MAX_BYTES = 256 * 1024;

/** The customer's cart and recent orders, or a Failure that says why not. */
export async function fetchWooCustomer(req: WooRequest): Promise<WooCustomer | Failure> {
  if (!/^\d{1,20}$/.test(req.userId)) return failure(404, "not_a_shop_user", "this visitor is not a WordPress user of the shop");
  if (!req.secrets.length) return failure(409, "not_connected", "the site has no plugin secret; connect the plugin first");
  const base = req.shopUrl.replace(/\/+$/, "");
  const pretty = new URL(`${base}/wp-json/edgechat/v1/customer?user_id=${req.userId}`);
  let res = await signedGet(req, pretty);
  if (!(res instanceof Response)) return res;
  if (res.status === 404 && !isJson(res)) {
    res = await signedGet(req, new URL(`${base}/?rest_route=/edgechat/v1/customer&user_id=${req.userId}`));
    if (!(res instanceof Response)) return res;
  }
  const text = await readCapped(res);
  const json = parse(text);
  if (res.status === 200 && isCustomer(json)) return { cart: json.cart ?? null, orders: json.orders };
  const code = typeof (json as { code?: unknown } | null)?.code === "string" ? (json as { code: string }).code : "";
  if (res.status === 404 && code === "edgechat_unknown_user") return failure(404, "unknown_shop_user", "the shop has no such user any more");
  if (res.status === 401 || res.status === 403) {
    return failure(503, "shop_refused", `the shop refused the signed request (${code || res.status}): the plugin's secret differs from this site's; reconnect the plugin`);
  }
  return failure(503, "shop_error", `the shop answered ${res.status}${code ? ` (${code})` : ""} instead of the customer's data; is the Edgechat plugin active with WooCommerce?`);
}

/** One signed GET, trying each accepted secret while the shop answers 401. */
async function signedGet(req: WooRequest, url: URL): Promise<Response | Failure> {
  const fetcher = req.fetcher ?? fetch;
  let res: Response | undefined;
  for (const [i, secret] of req.secrets.entries()) {
    const headers = await signatureHeaders(secret, { method: "GET", pathWithQuery: url.pathname + url.search, body: "" });
    try {
      res = await fetcher(url.toString(), {
        headers: { Accept: "application/json", ...headers },
        redirect: "manual",
        signal: AbortSignal.timeout(req.timeoutMs ?? 5000),
      });
    } catch (err) {
      return failure(503, "shop_unreachable", `could not reach the shop at ${url.origin}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status !== 401 || i === req.secrets.length - 1) return res;
    await res.body?.cancel();
  }
  return res!;
}

function isJson(res: Response): boolean {
  return (res.headers.get("Content-Type") ?? "").toLowerCase().includes("json");
}

async function readCapped(res: Response): Promise<string> {
  const text = await res.text();
  return text.length > MAX_BYTES ? "" : text;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isCustomer(v: unknown): v is { cart?: WooCustomer["cart"]; orders: unknown[] } {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o.orders) && (o.cart === undefined || o.cart === null || typeof o.cart === "object");
}
