import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";
it("works", async () => {
  const r = await SELF.fetch("http://x/healthz");
  expect(await r.json()).toEqual({ ok: true });
});
