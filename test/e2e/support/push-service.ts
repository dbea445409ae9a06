/**
 * A small Web Push service on 127.0.0.1 for tests: it takes pushes at /push/<device>, checks
 * each request's VAPID header (RFC 8292: an ES256 JWT for this origin signed by the key in
 * `k=`), and can answer a device with a status list (410 gone, 429 busy …). `decryptPush`
 * opens a body with the subscriber's keys per RFC 8291, independently of the Worker's library.
 */
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import http from "node:http";

export interface ReceivedPush {
  device: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
  vapid: { ok: boolean; problem?: string; publicKey?: string; claims?: Record<string, unknown> };
}

export interface PushService {
  origin: string;
  received: ReceivedPush[];
  /** Answers for a device, used in order; afterwards 201. */
  answers: Map<string, number[]>;
  waitFor(device: string, count?: number, ms?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

/** Starts the service on a free port. */
export async function startPushService(): Promise<PushService> {
  const received: ReceivedPush[] = [];
  const answers = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const device = (req.url ?? "").replace(/^\/push\//, "");
      received.push({
        device,
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
        vapid: checkVapid(req.headers, origin),
      });
      const status = answers.get(device)?.shift() ?? 201;
      res.writeHead(status, status === 429 ? { "Retry-After": "1" } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    received,
    answers,
    async waitFor(device, count = 1, ms = 8000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = received.filter((r) => r.device === device);
        if (got.length >= count) return got;
        if (Date.now() > deadline) throw new Error(`push service: ${got.length} of ${count} pushes for ${device}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292 §3) for a push sent to `origin`. */
function checkVapid(headers: http.IncomingHttpHeaders, origin: string): ReceivedPush["vapid"] {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(headers.authorization ?? "");
  if (!m) return { ok: false, problem: `no vapid Authorization header: ${headers.authorization}` };
  const [, jwt, k] = m as unknown as [string, string, string];
  const [h, p, s] = jwt.split(".");
  const header = JSON.parse(Buffer.from(h!, "base64url").toString());
  const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
  const raw = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const signed = verify(
    "sha256",
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(s!, "base64url"),
  );
  // The Worker signs for a push service on this machine as the https origin of the same host.
  const audience = origin.replace(/^http:/, "https:");
  const now = Date.now() / 1000;
  const problem =
    header.alg !== "ES256"
      ? "alg is not ES256"
      : !signed
        ? "signature does not verify with k"
        : claims.aud !== audience
          ? `aud ${claims.aud} is not ${audience}`
          : !(claims.exp > now && claims.exp <= now + 86_400)
            ? "exp is not within 24 hours"
            : !/^(mailto:|https:)/.test(claims.sub ?? "")
              ? "sub is not mailto: or https:"
              : headers["content-encoding"] !== "aes128gcm"
                ? "Content-Encoding is not aes128gcm"
                : !headers.ttl
                  ? "no TTL header"
                  : undefined;
  return { ok: !problem, problem, publicKey: k, claims };
}

/** A subscriber's keys, as a browser makes them. */
export function subscriberKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url"), authBytes: auth };
}

/** Decrypts an aes128gcm push body (RFC 8291 §3.4, RFC 8188 §2) with the subscriber's keys. */
export function decryptPush(body: Buffer, keys: ReturnType<typeof subscriberKeys>): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const serverPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const secret = keys.ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), keys.ecdh.getPublicKey(), serverPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", secret, keys.authBytes, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  const end = padded.lastIndexOf(2);
  if (end < 0 || padded.subarray(end + 1).some((b) => b !== 0)) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}
