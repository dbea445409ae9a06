/**
 * Operator sockets of a Conversation belong to one admin session: they are tagged with the
 * session's public id and the operator's id, so the Site can close them when the session
 * ends (logout, ended from the sessions list, password reset) or the operator is removed
 * or changes role; and they carry the session's expiry, after which frames close them.
 */
import { closeAll } from "../lib/peers";

/** Headers the Worker sets on an operator's upgrade. */
export const SESSION_HEADERS = { session: "X-Edgechat-Session", until: "X-Edgechat-Until" } as const;

const expiries = new WeakMap<WebSocket, number>();

/** Tags for a new socket: its role, and for an operator its session and operator id. */
export function socketTags(request: Request, role: string, peerId: string): string[] {
  if (role !== "operator") return [role];
  const session = request.headers.get(SESSION_HEADERS.session);
  const until = Number(request.headers.get(SESSION_HEADERS.until));
  return [
    role,
    `operator:${peerId}`,
    ...(session ? [`session:${session}`] : []),
    ...(until > 0 ? [`until:${until}`] : []),
  ];
}

/** True (and the socket closed) when an operator socket's session has expired. */
export function sessionOver(ctx: DurableObjectState, ws: WebSocket, now = Date.now()): boolean {
  let until = expiries.get(ws);
  if (until === undefined) {
    until = Number(
      ctx
        .getTags(ws)
        .find((t) => t.startsWith("until:"))
        ?.slice(6) ?? 0,
    );
    expiries.set(ws, until);
  }
  if (!until || now < until) return false;
  closeAll([ws], 4001, "your session has ended; log in again");
  return true;
}

/** Closes the operator sockets of a session or of an operator. */
export function closeOperatorSockets(ctx: DurableObjectState, who: { session?: string; operator?: string }): number {
  const sockets = [
    ...(who.session ? ctx.getWebSockets(`session:${who.session}`) : []),
    ...(who.operator ? ctx.getWebSockets(`operator:${who.operator}`) : []),
  ];
  closeAll(sockets, 4001, who.operator ? "your access changed; log in again" : "signed out");
  return sockets.length;
}
