/** What the server may send (docs/api.md "Frames"), checked field by field. */

export const ERROR_CODES = new Set([
  "bad_json",
  "bad_frame",
  "empty_text",
  "text_too_long",
  "rate_limited",
  "forbidden",
  "not_found",
  "no_email",
  "not_sent",
]);

const isString = (v: unknown): v is string => typeof v === "string";
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

function validMessage(m: any): boolean {
  return (
    isObject(m) &&
    isInt(m.seq) &&
    m.seq > 0 &&
    isObject(m.author) &&
    ["visitor", "operator", "bot", "system"].includes(m.author.kind) &&
    isString(m.text) &&
    isInt(m.at) &&
    (m.clientId === undefined || isString(m.clientId))
  );
}

/** Null when `f` is a well-formed frame of a conversation socket, else why not. */
export function conversationFrameProblem(f: any): string | null {
  if (!isObject(f) || !isString(f.type)) return "not an object with a type";
  switch (f.type) {
    case "error":
      if (!ERROR_CODES.has(f.code)) return `unknown error code ${JSON.stringify(f.code)}`;
      if (!isString(f.message) || !f.message) return "error without a message";
      if (f.clientId !== undefined && (!isString(f.clientId) || f.clientId.length > 64))
        return "error with a bad clientId";
      return null;
    case "welcome":
      return isObject(f.conversation) &&
        isInt(f.conversation.lastSeq) &&
        Array.isArray(f.messages) &&
        f.messages.every(validMessage) &&
        typeof f.more === "boolean"
        ? null
        : "malformed welcome";
    case "message":
      return validMessage(f.message) ? null : "malformed message";
    case "ack":
      return isString(f.clientId) && isInt(f.seq) ? null : "malformed ack";
    case "typing":
      return isObject(f.author) ? null : "malformed typing";
    case "read":
      return isInt(f.seq) && (f.by === "visitor" || f.by === "operator") ? null : "malformed read";
    case "contact":
      return typeof f.emailKnown === "boolean" && typeof f.askEmail === "boolean" ? null : "malformed contact";
    case "transcript":
      return isString(f.sentTo) ? null : "malformed transcript";
    default:
      return `unknown frame type ${JSON.stringify(f.type)}`;
  }
}

/** Null when `f` is a well-formed frame of the site's inbox socket (`/api/v1/admin/ws`). */
export function inboxFrameProblem(f: any): string | null {
  if (!isObject(f) || !isString(f.type)) return "not an object with a type";
  if (f.type === "inbox") return Array.isArray(f.conversations) ? null : "malformed inbox";
  if (f.type === "conversation")
    return isObject(f.conversation) && isString(f.conversation.id) ? null : "malformed conversation";
  if (f.type === "presence") return isInt(f.operatorsOnline) ? null : "malformed presence";
  return `unknown frame type ${JSON.stringify(f.type)}`;
}
