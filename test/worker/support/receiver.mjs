/**
 * A small HTTP server on 127.0.0.1 for Worker tests that call services outside (lead
 * webhooks, Bitrix24, Gravatar): it records every request and answers like the service.
 * Runs in Node as a vitest global setup; tests get its URL with `inject("receiverUrl")` and
 * read what it received at `GET /_log?path=PREFIX`.
 *
 * - `/fail-once/...`: 500 to the first request of each path, 200 after;
 * - `/outage/<name>/...`: a service that can go down: 503 while `POST /_outage?name=<name>&down=1`
 *   holds, 200 again after `down=0` (an email provider failing for a while, then recovering);
 * - `/bitrix/rest/<user>/<token>/crm.lead.add.json`: Bitrix24's inbound webhook, checking
 *   the documented request (POST JSON `{fields: {TITLE, …}, params?}`), `{result: id}`;
 * - `/gravatar/<sha256>`: a public profile for one hash, 404 for others;
 * - anything else: 200 `{ok: true}`.
 */
import { createServer } from "node:http";

/** sha256 of "anna@example.com", the one address the Gravatar stand-in knows. */
export const KNOWN_GRAVATAR = "f7d54c22dda5b1780276601cd005909b70543fc4a6ba72d735b4cb9bbb611f01";

let server;

/** Starts the server; `project.provide`s its URL; returns the teardown. */
export default async function setup(project) {
  const log = [];
  const seen = new Set();
  const down = new Set();
  server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/_log") {
        const prefix = url.searchParams.get("path") ?? "/";
        res.writeHead(200, { "Content-Type": "application/json" });
        return res.end(JSON.stringify(log.filter((l) => l.path.startsWith(prefix))));
      }
      if (url.pathname === "/_outage") {
        const name = url.searchParams.get("name") ?? "";
        if (url.searchParams.get("down") === "1") down.add(name);
        else down.delete(name);
        res.writeHead(204);
        return res.end();
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const outage = url.pathname.match(/^\/outage\/([^/]+)\//);
      const [status, answer] =
        outage && down.has(outage[1])
          ? [503, { error: "service unavailable" }]
          : respond(req.method ?? "GET", url.pathname, req.headers["content-type"] ?? "", body, seen);
      log.push({ method: req.method ?? "GET", path: url.pathname, headers: flat(req.headers), body, status });
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  project.provide("receiverUrl", `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}

function respond(method, path, type, body, seen) {
  if (path.startsWith("/fail-once/")) {
    if (seen.has(path)) return [200, { ok: true }];
    seen.add(path);
    return [500, { error: "try again" }];
  }
  if (/^\/bitrix\/rest\/\d+\/[a-z0-9]+\/crm\.lead\.add\.json$/.test(path)) return bitrix(method, type, body);
  if (path.startsWith("/gravatar/")) {
    return path.endsWith(`/${KNOWN_GRAVATAR}`)
      ? [
          200,
          {
            hash: KNOWN_GRAVATAR,
            display_name: "Anna Example",
            avatar_url: "https://gravatar.example/a.png",
            profile_url: "https://gravatar.example/anna",
            verified_accounts: [{ url: "https://github.com/anna" }, { url: "javascript:alert(1)" }],
          },
        ]
      : [404, { error: "Profile not found" }];
  }
  return [200, { ok: true }];
}

/** What Bitrix24's crm.lead.add accepts: POST, JSON, `fields` with a TITLE, multi-fields as [{VALUE, VALUE_TYPE}]. */
function bitrix(method, type, body) {
  const refuse = (d) => [400, { error: "INVALID_REQUEST", error_description: d }];
  if (method !== "POST") return refuse("POST expected");
  if (!type.startsWith("application/json")) return refuse("JSON expected");
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return refuse("bad JSON");
  }
  const f = json.fields;
  if (!f || typeof f.TITLE !== "string" || !f.TITLE) return refuse("fields.TITLE is required");
  for (const multi of ["PHONE", "EMAIL"]) {
    const v = f[multi];
    if (
      v !== undefined &&
      !(Array.isArray(v) && v.every((x) => typeof x?.VALUE === "string" && typeof x?.VALUE_TYPE === "string"))
    ) {
      return refuse(`fields.${multi} is a list of {VALUE, VALUE_TYPE}`);
    }
  }
  return [200, { result: 42, time: { start: 0, finish: 0 } }];
}

function flat(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
}
