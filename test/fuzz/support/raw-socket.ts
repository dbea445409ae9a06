/**
 * A bare WebSocket client over TCP, for frames a well-behaved client library refuses to
 * send: text frames that are not UTF-8, reserved opcodes and bits, unmasked or fragmented
 * frames. It reads what comes back (frames and the close code) without judging it.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";

export interface RawReply {
  /** Status of the upgrade (101 when it was accepted). */
  status: number;
  /** The answer's head and the start of its body when the upgrade was refused. */
  refusal: string;
  /** Text frames received. */
  texts: string[];
  /** Close code the server sent, or null if it only dropped the connection (or kept it). */
  closeCode: number | null;
}

/** Builds one frame: `opcode`, FIN and RSV bits as given, masked unless `masked` is false. */
export function frame(opcode: number, payload: Buffer, { fin = true, rsv = 0, masked = true } = {}): Buffer {
  const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const len = payload.length;
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 255);
  else {
    head.push(maskBit | 127, 0, 0, 0, 0);
    head.push((len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/** Parses the server's frames out of `buf` (unmasked, as servers send). */
function readFrames(buf: Buffer, reply: RawReply): Buffer {
  for (;;) {
    if (buf.length < 2) return buf;
    const opcode = buf[0]! & 0x0f;
    let len = buf[1]! & 0x7f;
    let at = 2;
    if (len === 126) {
      if (buf.length < 4) return buf;
      len = buf.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (buf.length < 10) return buf;
      len = Number(buf.readBigUInt64BE(2));
      at = 10;
    }
    if (buf.length < at + len) return buf;
    const payload = buf.subarray(at, at + len);
    if (opcode === 1) reply.texts.push(payload.toString("utf8"));
    if (opcode === 8) reply.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    buf = buf.subarray(at + len);
  }
}

/**
 * Opens `url` (ws://host:port/path?query) with `headers`, writes `frames` after the upgrade,
 * and collects replies for `listenMs` (or until the server closes).
 */
export function rawExchange(
  url: string,
  headers: Record<string, string>,
  frames: Buffer[],
  listenMs = 1500,
): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const reply: RawReply = { status: 0, refusal: "", texts: [], closeCode: null };
    const socket = net.connect(Number(u.port), u.hostname);
    let buf: Buffer = Buffer.alloc(0);
    let upgraded = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(finish, listenMs + 10_000);
    socket.on("connect", () => {
      const lines = [
        `GET ${u.pathname}${u.search} HTTP/1.1`,
        `Host: ${u.host}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
    socket.on("data", (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      if (!upgraded && reply.status) return; // a refusal's body
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        reply.status = Number(buf.subarray(0, end).toString().split(" ")[1]);
        if (reply.status !== 101) {
          // The body may follow in the next chunk: wait for it briefly.
          reply.refusal = buf.toString("utf8").slice(0, 600);
          setTimeout(() => {
            reply.refusal = buf.toString("utf8").slice(0, 600);
            finish();
          }, 200);
          return;
        }
        buf = buf.subarray(end + 4);
        upgraded = true;
        for (const f of frames) socket.write(f);
        setTimeout(() => {
          socket.write(frame(8, Buffer.from([0x03, 0xe8]))); // close 1000
          setTimeout(finish, 300);
        }, listenMs);
      }
      buf = readFrames(buf, reply);
      if (reply.closeCode !== null) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
  });
}
