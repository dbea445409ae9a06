/**
 * A local stand-in for Cloudflare Realtime's TURN credentials API: it accepts only the
 * documented request (POST /v1/turn/keys/{key_id}/credentials/generate-ice-servers with
 * `Authorization: Bearer <key API token>`, a JSON body `{ttl}`) and answers 201 with the
 * documented body; anything else gets the error Cloudflare would give. It records calls.
 */
import http from "node:http";

export const TURN_KEY_ID = "0123456789abcdef0123456789abcdef";
export const TURN_KEY_API_TOKEN = "turn-key-api-token-never-for-browsers-0123456789";

export interface TurnCall {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: any;
}

export interface FakeTurn {
  url: string;
  calls: TurnCall[];
  close(): Promise<void>;
}

/** Starts the fake on a free port; its `url` is what `TURN_API_URL` should be. */
export async function startFakeTurn(): Promise<FakeTurn> {
  const calls: TurnCall[] = [];
  let minted = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || "null");
      } catch {
        return reply(400, { error: "body is not JSON" });
      }
      calls.push({
        method: req.method ?? "",
        path: req.url ?? "",
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body,
      });
      if (req.method !== "POST" || req.url !== `/v1/turn/keys/${TURN_KEY_ID}/credentials/generate-ice-servers`)
        return reply(404, { error: "not found" });
      if (req.headers.authorization !== `Bearer ${TURN_KEY_API_TOKEN}`) return reply(401, { error: "unauthorized" });
      if (!Number.isInteger(body?.ttl) || body.ttl <= 0) return reply(400, { error: "ttl is required" });
      minted++;
      reply(201, {
        iceServers: [
          { urls: ["stun:stun.cloudflare.com:3478", "stun:stun.cloudflare.com:53"] },
          {
            urls: [
              "turn:turn.cloudflare.com:3478?transport=udp",
              "turn:turn.cloudflare.com:53?transport=udp",
              "turn:turn.cloudflare.com:3478?transport=tcp",
              "turn:turn.cloudflare.com:80?transport=tcp",
              "turns:turn.cloudflare.com:5349?transport=tcp",
              "turns:turn.cloudflare.com:443?transport=tcp",
            ],
            username: `minted-user-${minted}`,
            credential: `minted-credential-${minted}`,
          },
        ],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
