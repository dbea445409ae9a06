/**
 * Video calls of a conversation: signalling relayed over the conversation's own sockets,
 * between exactly two of them (the caller's socket and the one that answered), and the
 * call's story told in the thread as system messages (requested, answered, ended with its
 * outcome, duration and whether a screen was shared) so reports read it from messages.
 * Media never passes through here: browsers connect to each other (or through TURN).
 */
import type { Peer } from "../lib/peers";
import { broadcast, send, sendError } from "../lib/peers";
import {
  CALL_LIMITS,
  type CallEvent,
  type CallFrame,
  type CallOutcome,
  type CallServerFrame,
  type CallSide,
} from "../protocol";
import { activityChanged } from "./activity";
import type { ConversationHost } from "./host";

/** Timer kind of a ringing call (keyed by call id): unanswered after `ringMs`, it is missed. */
export const CALL_RING_TIMER = "call-ring";

type CallRow = {
  id: string;
  state: "ringing" | "active" | "ended";
  caller_role: CallSide;
  caller_socket: string;
  callee_socket: string | null;
  callee_id: string | null;
  audio_only: number;
  screen_shared: number;
  requested_at: number;
  answered_at: number | null;
  ended_at: number | null;
  outcome: string | null;
};

/** The call that is ringing or under way, if any (a conversation has at most one). */
export function liveCall(host: ConversationHost): CallRow | null {
  return (
    host.sql.exec<CallRow>("SELECT * FROM calls WHERE state IN ('ringing', 'active') LIMIT 1").toArray()[0] ?? null
  );
}

/** Handles one `call` frame from `ws`; a refusal is an error frame to the sender only. */
export async function onCallFrame(host: ConversationHost, ws: WebSocket, peer: Peer, frame: CallFrame): Promise<void> {
  const mine = host.socketTag(ws);
  if (!mine) return sendError(ws, "forbidden", "this socket cannot take part in calls; reconnect");
  if (frame.action === "request") return request(host, ws, peer, mine, frame);
  const call = liveCall(host);
  if (!call || call.id !== frame.callId)
    return sendError(ws, "no_call", `no call ${frame.callId} is ringing or under way`);
  const other = call.caller_role === "visitor" ? "operator" : "visitor";
  if (call.state === "ringing") {
    if (mine === call.caller_socket && frame.action === "hangup") return end(host, call, "cancelled");
    if (peer.role !== other)
      return sendError(ws, "forbidden", "only the other side can answer or decline a ringing call");
    if (frame.action === "decline") return end(host, call, "declined");
    if (frame.action === "offer") return answer(host, call, mine, peer, frame.sdp!);
    return sendError(ws, "no_call", `the call is still ringing; ${frame.action} comes after it is answered`);
  }
  const party =
    mine === call.caller_socket ? call.callee_socket : mine === call.callee_socket ? call.caller_socket : null;
  if (!party) return sendError(ws, "forbidden", "this call is between two other windows of the conversation");
  if (frame.action === "hangup") return end(host, call, "completed");
  if (frame.action === "decline") return sendError(ws, "no_call", "the call was already answered; hang up instead");
  if (frame.action === "screen" && frame.on) {
    host.sql.exec("UPDATE calls SET screen_shared = 1 WHERE id = ?", call.id);
    activityChanged(host.sql);
  }
  relay(host, party, relayed(frame));
}

/** The call's ring is over: still unanswered, it is missed. Idempotent. */
export function ringOver(host: ConversationHost, callId: string): void {
  const call = liveCall(host);
  if (call?.id === callId && call.state === "ringing") end(host, call, "missed");
}

/** A socket closed: if it was a party of the live call, the call ends for the other too. */
export function socketGone(host: ConversationHost, ws: WebSocket): void {
  const mine = host.socketTag(ws);
  const call = liveCall(host);
  if (!mine || !call) return;
  if (call.state === "ringing" && mine === call.caller_socket) end(host, call, "cancelled");
  else if (call.state === "active" && (mine === call.caller_socket || mine === call.callee_socket))
    end(host, call, "completed");
}

async function request(
  host: ConversationHost,
  ws: WebSocket,
  peer: Peer,
  mine: string,
  frame: CallFrame,
): Promise<void> {
  const video = await host.site().videoSettings();
  // Checked after the await: the conversation may have been erased meanwhile (its storage is
  // new and empty, and a call row, ring timer or message would outlive the erasure in it)...
  if (!host.store.state()) return;
  if (!video.enabled) return sendError(ws, "video_disabled", "video calls are turned off for this site");
  // ...and another request may have been taken.
  if (liveCall(host)) return sendError(ws, "call_busy", "a call is already ringing or under way in this conversation");
  if (host.sql.exec("SELECT 1 FROM calls WHERE id = ?", frame.callId).toArray().length) {
    return sendError(ws, "bad_frame", "this callId was used before; make a new one");
  }
  const now = Date.now();
  const audioOnly = frame.audioOnly === true;
  host.sql.exec(
    "INSERT INTO calls (id, state, caller_role, caller_socket, audio_only, requested_at) VALUES (?, 'ringing', ?, ?, ?, ?)",
    frame.callId,
    peer.role,
    mine,
    audioOnly ? 1 : 0,
    now,
  );
  activityChanged(host.sql);
  await host.timers.set(CALL_RING_TIMER, now + CALL_LIMITS.ringMs, null, frame.callId);
  // Only the visitor's side speaks for a product page.
  const product = peer.role === "visitor" ? frame.product : undefined;
  record(
    host,
    { id: frame.callId, event: "requested", by: peer.role, audioOnly, ...(product ? { product } : {}) },
    now,
  );
  const ring: CallServerFrame = {
    type: "call",
    action: "request",
    callId: frame.callId,
    from: peer.role,
    audioOnly,
    ...(product ? { product } : {}),
  };
  broadcast(host.sockets(peer.role === "visitor" ? "operator" : "visitor"), ring);
  // Operators elsewhere in the admin hear it on their site socket and may open this conversation.
  if (peer.role === "visitor") await host.site().callRinging(host.id, frame.callId, audioOnly);
}

/** Calls answered between `from` and `to` (epoch ms): whether a booked slot was attended. */
export function answeredBetween(host: ConversationHost, from: number, to: number): number {
  return host.sql
    .exec<{ n: number }>(
      "SELECT COUNT(*) AS n FROM calls WHERE answered_at IS NOT NULL AND answered_at BETWEEN ? AND ?",
      from,
      to,
    )
    .one().n;
}

/** A socket said hello: if the other side's call is ringing, it rings there too. */
export function greet(host: ConversationHost, ws: WebSocket, peer: Peer): void {
  const call = liveCall(host);
  if (call?.state !== "ringing" || call.caller_role === peer.role) return;
  send(ws, {
    type: "call",
    action: "request",
    callId: call.id,
    from: call.caller_role,
    audioOnly: call.audio_only === 1,
  } satisfies CallServerFrame);
}

function answer(host: ConversationHost, call: CallRow, mine: string, peer: Peer, sdp: string): void {
  const now = Date.now();
  host.sql.exec(
    "UPDATE calls SET state = 'active', callee_socket = ?, callee_id = ?, answered_at = ? WHERE id = ?",
    mine,
    peer.id,
    now,
    call.id,
  );
  activityChanged(host.sql);
  void host.timers.cancel(CALL_RING_TIMER, call.id);
  record(host, { id: call.id, event: "answered", by: peer.role }, now);
  // The answering side's other windows stop ringing.
  const stop: CallServerFrame = {
    type: "call",
    action: "end",
    callId: call.id,
    outcome: "answered_elsewhere",
    durationMs: null,
  };
  for (const ws of host.sockets(peer.role)) if (host.socketTag(ws) !== mine) send(ws, stop);
  relay(host, call.caller_socket, { type: "call", action: "offer", callId: call.id, sdp });
}

function end(host: ConversationHost, call: CallRow, outcome: Exclude<CallOutcome, "answered_elsewhere">): void {
  const now = Date.now();
  const durationMs = call.answered_at !== null ? now - call.answered_at : null;
  host.sql.exec("UPDATE calls SET state = 'ended', ended_at = ?, outcome = ? WHERE id = ?", now, outcome, call.id);
  activityChanged(host.sql);
  if (call.state === "ringing") void host.timers.cancel(CALL_RING_TIMER, call.id);
  const by = outcome === "declined" ? (call.caller_role === "visitor" ? "operator" : "visitor") : call.caller_role;
  record(host, { id: call.id, event: "ended", by, outcome, durationMs, screenShared: call.screen_shared === 1 }, now);
  host.toAll({ type: "call", action: "end", callId: call.id, outcome, durationMs });
}

function relay(host: ConversationHost, socketTag: string, frame: CallServerFrame): void {
  for (const ws of host.sockets(socketTag)) send(ws, frame);
}

function relayed(frame: CallFrame): CallServerFrame {
  const { callId } = frame;
  if (frame.action === "offer" || frame.action === "answer")
    return { type: "call", action: frame.action, callId, sdp: frame.sdp! };
  if (frame.action === "ice") return { type: "call", action: "ice", callId, candidate: frame.candidate! };
  return { type: "call", action: "screen", callId, on: frame.on === true };
}

/** Posts the call's event to the thread: both sides see it, reports count it. */
function record(host: ConversationHost, call: CallEvent, at: number): void {
  host.post({ author: { kind: "system" }, text: describe(call), at, meta: { call } });
}

/** The event in words for the thread (the widget and admin may word it in their language). */
export function describe(call: CallEvent): string {
  const kind = call.audioOnly ? "Audio call" : "Video call";
  if (call.event === "requested") {
    const p = call.product;
    const about = p ? ` — about ${p.name}${p.price ? ` (${p.price})` : ""}${p.url ? ` ${p.url}` : ""}` : "";
    return `${kind} requested by the ${call.by}${about}`;
  }
  if (call.event === "answered") return "Call answered";
  if (call.outcome === "missed") return "Missed call (not answered within 45 s)";
  if (call.outcome === "declined") return "Call declined";
  if (call.outcome === "cancelled") return "Call cancelled before it was answered";
  const screen = call.screenShared ? ", screen shared" : "";
  return `Call ended after ${duration(call.durationMs ?? 0)}${screen}`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
