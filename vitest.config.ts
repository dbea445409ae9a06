import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";

/** Worker tests: run inside workerd with the real Durable Objects of wrangler.toml. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ENVIRONMENT: "test",
          TOKEN_SECRET: "test-token-secret-0123456789abcdef0123456789",
          ADMIN_TOKEN: "test-admin-token-0123456789",
          PUBLIC_URL: "https://chat.example",
          INBOUND_DOMAIN: "in.chat.example",
          EMAIL_FROM: "Support <support@shop.example>",
        },
      },
    }),
  ],
  // As in wrangler.toml's [alias]: the Worker's stand-in for Node's `module`.
  resolve: { alias: { module: new URL("./worker/lib/node-module.ts", import.meta.url).pathname } },
  test: {
    include: ["worker/**/*.test.ts", "test/worker/**/*.test.ts", "test/security/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/security/**/*.browser.test.ts"],
    // A local stand-in for services the Worker calls out to (webhooks, CRMs, Gravatar).
    globalSetup: ["test/worker/support/receiver.mjs"],
    testTimeout: 20_000,
  },
});
