/**
 * `GET /api/v1/admin/visitors/:visitorId/woo`: the WooCommerce cart and recent orders of an
 * identified visitor, for the visitor card. The Site fetches them from the shop's signed REST
 * route (worker/site/woo.ts); any operator of the site may read them.
 */
import { ApiError, unwrap } from "../lib/errors";
import { adminRoutes, siteOf } from "./admin-http";

export const pluginWoo = adminRoutes();

pluginWoo.get("/visitors/:visitorId/woo", async (c) => {
  const visitorId = c.req.param("visitorId");
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(visitorId))
    throw new ApiError(404, "unknown_visitor", "no contact with this visitor id");
  const result = unwrap(await siteOf(c).wooCustomer(visitorId));
  return c.json(result, 200, { "Cache-Control": "no-store" });
});
