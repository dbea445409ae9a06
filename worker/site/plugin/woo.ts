/**
 * WooCommerce data for the operator's visitor card, fetched by the Worker from the plugin's
 * signed REST route (plugins/wordpress/edgechat/includes/class-edgechat-rest.php):
 *
 *   GET {shop url}/?rest_route=/edgechat/v1/customer&user_id=N  →  {cart, orders}
 *
 * signed with the site's plugin secret (./signature.ts). The `?rest_route=` form works on every
 * permalink setting (with plain permalinks, WordPress's default, `/wp-json/` answers a 301 or a
 * 404). A redirect to the same host (http → https, www.) is followed once, signed anew for its
 * target. During a plugin-secret rotation the shop may still hold the previous secret: a 401 is
 * retried with it. Every failure says what the shop answered, for the operator's card.
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
const MAX_REDIRECTS = 2;

/** The customer route of a shop, in the form every permalink setting serves. */
export function customerUrl(shopUrl: string, userId: string): URL {
  return new URL(`${shopUrl.replace(/\/+$/, "")}/?rest_route=/edgechat/v1/customer&user_id=${userId}`);
}

/** The customer's cart and recent orders, or a Failure that says why not. */
export async function fetchWooCustomer(req: WooRequest): Promise<WooCustomer | Failure> {
  if (!/^\d{1,20}$/.test(req.userId))
    return failure(404, "not_a_shop_user", "this visitor is not a WordPress user of the shop");
  if (!req.secrets.length)
    return failure(409, "not_connected", "the site has no plugin secret; connect the plugin first");
  let url = customerUrl(req.shopUrl, req.userId);
  let res = await signedGet(req, url);
  for (let hops = 0; res instanceof Response && isRedirect(res.status); hops++) {
    const next = sameShop(url, res.headers.get("Location"));
    if (!next || hops === MAX_REDIRECTS) {
      await res.body?.cancel();
      return failure(
        503,
        "shop_error",
        `the shop answered ${res.status} with a redirect to ${res.headers.get("Location") ?? "nowhere"}; set the site's shop URL to the shop's own address`,
      );
    }
    await res.body?.cancel();
    url = next;
    res = await signedGet(req, url);
  }
  if (!(res instanceof Response)) return res;
  const json = parse(await readCapped(res));
  if (res.status === 200 && isCustomer(json)) return { cart: json.cart ?? null, orders: json.orders };
  const { code, message } = shopError(json);
  const said = `${res.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
  if (res.status === 404 && code === "edgechat_unknown_user")
    return failure(404, "unknown_shop_user", "the shop has no such user any more");
  if (res.status === 401 || res.status === 403) {
    return failure(
      503,
      "shop_refused",
      `the shop refused the signed request (${said}); the plugin's secret differs from this site's: reconnect the plugin`,
    );
  }
  if (res.status === 404 && code === "rest_no_route") {
    return failure(
      503,
      "shop_error",
      `the shop has no Edgechat route (${said}); is the Edgechat plugin active, with WooCommerce?`,
    );
  }
  return failure(503, "shop_error", `the shop answered ${said || res.status} instead of the customer's data`);
}

/** One signed GET, trying each accepted secret while the shop answers 401. */
async function signedGet(req: WooRequest, url: URL): Promise<Response | Failure> {
  const fetcher = req.fetcher ?? fetch;
  let res: Response | undefined;
  for (const [i, secret] of req.secrets.entries()) {
    const headers = await signatureHeaders(secret, {
      method: "GET",
      pathWithQuery: url.pathname + url.search,
      body: "",
    });
    try {
      res = await fetcher(url.toString(), {
        headers: { Accept: "application/json", ...headers },
        redirect: "manual",
        signal: AbortSignal.timeout(req.timeoutMs ?? 5000),
      });
    } catch (err) {
      return failure(
        503,
        "shop_unreachable",
        `could not reach the shop at ${url.origin}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (res.status !== 401 || i === req.secrets.length - 1) return res;
    await res.body?.cancel();
  }
  return res!;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** The redirect's target when it stays on the shop's host (scheme or www. may change), else null. */
function sameShop(from: URL, location: string | null): URL | null {
  if (!location) return null;
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return null;
  }
  const host = (u: URL) => u.hostname.replace(/^www\./, "");
  return /^https?:$/.test(to.protocol) && host(to) === host(from) ? to : null;
}

/** The WordPress error's code and message (`{code, message}`), capped for the card. */
function shopError(json: unknown): { code: string; message: string } {
  const o = (typeof json === "object" && json !== null ? json : {}) as { code?: unknown; message?: unknown };
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.replace(/\s+/g, " ").trim().slice(0, max) : "");
  return { code: text(o.code, 64), message: text(o.message, 200) };
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
