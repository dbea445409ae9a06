/**
 * `npm run site:create -- --name "Shop" --owner-email a@b.c --origin https://shop.example`
 * creates a site on the local runtime (`npm start`, admin token read from
 * .wrangler/edgechat-local.json) or on a deployed Worker (`--url https://chat.example.com
 * --token $ADMIN_TOKEN`, or EDGECHAT_ADMIN_TOKEN), and prints the site key, its secrets and
 * the loader snippet. The owner gets an email to set a password; its link is printed too.
 *
 * Options: --name, --owner-email (required), --origin (repeatable; or --shop-url, whose
 * origin is used), --shop-url (the shop's address, for the WordPress plugin's routes),
 * --key, --eu (EU jurisdiction), --timezone, --locale en|ru, --url, --token, --json.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { ROOT } from "./local-server.mjs";

const LOCAL_SECRETS = path.join(ROOT, ".wrangler", "edgechat-local.json");

/** The admin token: given, from the environment, or the local runtime's own (local URLs only). */
export function adminTokenFor(server, given) {
  if (given) return given;
  if (process.env.EDGECHAT_ADMIN_TOKEN) return process.env.EDGECHAT_ADMIN_TOKEN;
  const host = new URL(server).hostname;
  if ((host === "127.0.0.1" || host === "localhost") && existsSync(LOCAL_SECRETS)) {
    return JSON.parse(readFileSync(LOCAL_SECRETS, "utf8")).ADMIN_TOKEN;
  }
  throw new Error(
    `no admin token: pass --token (or set EDGECHAT_ADMIN_TOKEN)${host === "127.0.0.1" || host === "localhost" ? "; or run npm start once, which writes .wrangler/edgechat-local.json" : ""}`,
  );
}

/**
 * Creates a site through POST /api/v1/sites with the admin token; returns the server's
 * answer (siteKey, status, identitySecret, pluginSecret, loader, setPasswordUrl …).
 */
export async function createSite({
  server,
  token,
  name,
  ownerEmail,
  origins = [],
  shopUrl,
  key,
  eu = false,
  timezone,
  locale,
}) {
  const base = server.replace(/\/+$/, "");
  const body = {
    ...(key ? { siteKey: key } : {}),
    ...(name ? { name } : {}),
    ownerEmail,
    ...(shopUrl ? { url: shopUrl } : {}),
    ...(origins.length ? { allowedOrigins: origins } : {}),
    ...(eu ? { jurisdiction: "eu" } : {}),
    ...(timezone ? { timezone } : {}),
    ...(locale ? { locale } : {}),
  };
  let res;
  try {
    res = await fetch(`${base}/api/v1/sites`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${adminTokenFor(base, token)}` },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new Error(
      `could not reach ${base}: ${err.cause?.message ?? err.message}${base.includes("127.0.0.1") ? " (is npm start running?)" : ""}`,
    );
  }
  const answer = await res.json().catch(() => null);
  if (res.status !== 201) {
    const e = answer?.error;
    throw new Error(
      e
        ? `${e.message} (${e.code}, HTTP ${res.status})`
        : `the server answered HTTP ${res.status}; is ${base} an Edgechat server?`,
    );
  }
  return answer;
}

/** What the command prints. */
export function describe(site, server, origins) {
  const lines = [
    `Site "${site.name}" created on ${server} (${site.status}${site.jurisdiction ? `, jurisdiction ${site.jurisdiction}` : ""}).`,
    "",
    `  Site key:         ${site.siteKey}`,
    `  Identity secret:  ${site.identitySecret}`,
    `                    (your server signs logged-in users: hex HMAC-SHA256(secret, userId))`,
    `  Plugin secret:    ${site.pluginSecret}`,
    `                    (the CMS plugin's signed calls; the WordPress plugin's Connect sets it)`,
  ];
  if (site.setPasswordUrl)
    lines.push(
      `  Owner password:   ${site.setPasswordUrl}`,
      `                    (also emailed to the owner; the link works for 7 days)`,
    );
  lines.push(
    "",
    `Shown once: keep the secrets now. Put the loader on every page of ${origins.join(", ") || site.url}:`,
    "",
    `  ${site.loader}`,
    "",
  );
  return lines.join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: {
      name: { type: "string" },
      "owner-email": { type: "string" },
      origin: { type: "string", multiple: true },
      "shop-url": { type: "string" },
      key: { type: "string" },
      eu: { type: "boolean" },
      timezone: { type: "string" },
      locale: { type: "string" },
      url: { type: "string" },
      token: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const server = values.url ?? `http://127.0.0.1:${process.env.PORT || 8787}`;
  const origins = values.origin ?? [];
  if (!values["owner-email"] || (!origins.length && !values["shop-url"])) {
    console.error(
      'usage: npm run site:create -- --name "Shop" --owner-email you@shop.example --origin https://shop.example [--shop-url URL] [--key KEY] [--eu] [--url SERVER] [--token ADMIN_TOKEN]',
    );
    process.exit(2);
  }
  try {
    const site = await createSite({
      server,
      token: values.token,
      name: values.name,
      ownerEmail: values["owner-email"],
      origins,
      shopUrl: values["shop-url"],
      key: values.key,
      eu: values.eu,
      timezone: values.timezone,
      locale: values.locale,
    });
    console.log(values.json ? JSON.stringify(site, null, 2) : describe(site, server, origins));
  } catch (err) {
    console.error(`site:create: ${err.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
