/**
 * The one parser of frames a Conversation receives: checks size and JSON, then the schema of
 * the sender's role (operators may also send notes), and words every refusal as the error
 * frame the sender gets, naming the message it refuses when there is one.
 */
import type { z } from "zod";
import { jsonDepthOver } from "../lib/json";
import type { Role } from "../lib/peers";
import {
  CLIENT_FRAME_TYPES,
  MAX_FRAME_BYTES,
  MAX_JSON_DEPTH,
  MAX_TEXT,
  OPERATOR_FRAME_TYPES,
  clientFrame,
  describeIssues,
  operatorFrame,
  type ErrorCode,
  type OperatorFrame,
} from "../protocol";

export type Refusal = { code: ErrorCode; message: string; clientId?: string };

/** The frame, or why it is refused. Visitors' frames are a subset of operators'. */
export function parseFrame(role: Role, data: string | ArrayBuffer): { frame: OperatorFrame } | { refused: Refusal } {
  if (typeof data !== "string") return refuse("bad_frame", "frames are JSON text, not binary");
  if (data.length > MAX_FRAME_BYTES) return refuse("bad_frame", `frame is larger than ${MAX_FRAME_BYTES} bytes`);
  if (jsonDepthOver(data, MAX_JSON_DEPTH))
    return refuse("bad_frame", `frame is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return refuse("bad_json", "frame is not valid JSON");
  }
  const types: readonly string[] = role === "operator" ? OPERATOR_FRAME_TYPES : CLIENT_FRAME_TYPES;
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !types.includes(type)) {
    return refuse(
      "bad_frame",
      `unknown frame type ${JSON.stringify(type ?? null)}; expected one of ${types.join(", ")}`,
    );
  }
  const plain = plainMessage(json as Record<string, unknown>, type);
  if (plain) return { frame: plain };
  const parsed = (role === "operator" ? operatorFrame : clientFrame).safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const rawId = (json as { clientId?: unknown }).clientId;
  const clientId = typeof rawId === "string" && rawId.length <= 64 ? rawId : undefined;
  return { refused: { ...describe(type, parsed.error), ...(clientId ? { clientId } : {}) } };
}

const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * A message or note the schema would accept, taken without it: most frames are these, and
 * the schema's generic walk costs several times the rest of parsing. Only what is plainly
 * valid is taken here, with the schema's result (the text trimmed, other keys dropped);
 * everything else goes to the schema, which words the refusal. A test holds the two equal.
 */
export function plainMessage(json: Record<string, unknown>, type: string): OperatorFrame | null {
  if (type !== "message" && type !== "note") return null;
  const { clientId, text } = json;
  if (typeof clientId !== "string" || typeof text !== "string" || !CLIENT_ID.test(clientId)) return null;
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TEXT) return null;
  return { type, clientId, text: trimmed };
}

function describe(type: string, error: z.ZodError): Refusal {
  const textIssue = error.issues.find((i) => i.path[0] === "text");
  const what = type === "note" ? "note" : "message";
  if (textIssue?.code === "too_small") return { code: "empty_text", message: `${what} text is empty` };
  if (textIssue?.code === "too_big") return { code: "text_too_long", message: textIssue.message };
  return { code: "bad_frame", message: `${type}: ${describeIssues(error)}` };
}

function refuse(code: ErrorCode, message: string): { refused: Refusal } {
  return { refused: { code, message } };
}
