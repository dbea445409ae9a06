/**
 * Socket frames: the zod schemas of what widget and admin send a Conversation, and the
 * shared field schemas (client ids, message text, email). What the server sends back is
 * typed in ./types.ts.
 */
import { z } from "zod";
import { CALL_LIMITS, MAX_RATING_COMMENT, MAX_TEXT } from "./limits";

export const clientId = z
  .string()
  .min(1, "clientId is required")
  .max(64, "clientId is at most 64 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "clientId may use letters, digits and _ . : -");

export const messageText = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "text is empty").max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`));

export const email = z
  .string()
  .trim()
  .max(254, "email is at most 254 characters")
  .pipe(z.email("not a valid email address"));

// ---- client → server frames ----

export const helloFrame = z.object({
  type: z.literal("hello"),
  lastSeq: z.number().int().min(0).default(0),
});
export const messageFrame = z.object({
  type: z.literal("message"),
  clientId,
  text: messageText,
});
export const typingFrame = z.object({ type: z.literal("typing") });
export const readFrame = z.object({ type: z.literal("read"), seq: z.number().int().min(0) });
export const contactFrame = z.object({ type: z.literal("contact"), email });
/** The visitor asks for the conversation by email (to the email we know). */
export const transcriptFrame = z.object({ type: z.literal("transcript") });

/**
 * A product the visitor asks about, as a shop page passes it to `edgechat.open()`: shown to
 * the operator with a call request or a booking. Plain text and http(s) links only.
 */
const webLink = z
  .url("not a valid URL")
  .max(1000)
  .refine((u) => /^https?:\/\//.test(u), "use an http or https URL");
export const productContext = z.strictObject({
  name: z.string().trim().min(1, "product name is empty").max(200),
  url: webLink.optional(),
  image: webLink.optional(),
  price: z.string().trim().max(40).optional(),
});

/** A scenario step's id. */
export const stepId = z.string().regex(/^[a-z0-9_-]{1,40}$/, "step ids use a-z, 0-9, _ and -, at most 40");

/**
 * What the visitor's widget sends about the bot: `feedback` on the answer `seq` (value yes,
 * no or person), or a scenario `button` (`step`, `index`). One flat object, so the frame
 * table keeps one schema per type; each action's fields are checked by the Conversation's
 * bot module. A field step's answer is an ordinary `message`.
 */
export const botFrame = z.strictObject({
  type: z.literal("bot"),
  action: z.enum(["feedback", "button"], "action is feedback or button"),
  seq: z.number().int().min(1).optional(),
  value: z.enum(["yes", "no", "person"], "value is yes, no or person").optional(),
  step: stepId.optional(),
  index: z.number().int().min(0).max(7).optional(),
});
export type BotFrame = z.infer<typeof botFrame>;
/**
 * The visitor rates a resolved conversation (CSAT), once. `conversationId` names the one
 * rated, so a widget that kept an old prompt cannot rate another conversation by mistake.
 */
export const rateFrame = z.object({
  type: z.literal("rate"),
  conversationId: z.string().min(1).max(128),
  rating: z.number().int("rating is a whole number").min(1, "rating is 1 to 5").max(5, "rating is 1 to 5"),
  comment: z.string().trim().max(MAX_RATING_COMMENT, `comment is at most ${MAX_RATING_COMMENT} characters`).optional(),
});
export type RateFrame = z.infer<typeof rateFrame>;

/** An internal note: operator-only, stored with `meta.internal`, never shown to visitors. */
export const noteFrame = z.object({ type: z.literal("note"), clientId, text: messageText });
export type NoteFrame = z.infer<typeof noteFrame>;

/** An SDP offer or answer: text that begins like one and fits the limit. */
export const sdp = z
  .string()
  .max(CALL_LIMITS.maxSdpChars, `sdp is longer than ${CALL_LIMITS.maxSdpChars} characters`)
  .regex(/^v=0\r?\n(?:[a-z]=[^\r\n]*\r?\n)+$/, "sdp is not a session description (v=0 and one type=value per line)");

/** An ICE candidate as RTCIceCandidate.toJSON() gives it; an empty candidate ends gathering. */
export const iceCandidate = z.strictObject({
  candidate: z
    .string()
    .max(CALL_LIMITS.maxCandidateChars, `candidate is longer than ${CALL_LIMITS.maxCandidateChars} characters`),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(63).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/**
 * Call signalling (worker/conversation/calls.ts). `request` rings the other side; the side
 * that answers sends the first `offer`, the caller its `answer`; `ice` and `screen` (a screen
 * share started or stopped) go to the other party; `decline` refuses a ringing call;
 * `hangup` ends it (or cancels the caller's own ringing call).
 */
export const callFrame = z
  .object({
    type: z.literal("call"),
    action: z.enum(["request", "offer", "answer", "ice", "screen", "decline", "hangup"]),
    callId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "callId is 8 to 64 letters, digits or -"),
    audioOnly: z.boolean().optional(),
    /** With a visitor's `request`: the product page the call is about. */
    product: productContext.optional(),
    sdp: sdp.optional(),
    candidate: iceCandidate.optional(),
    on: z.boolean().optional(),
  })
  .superRefine((f, ctx) => {
    const needs = { offer: "sdp", answer: "sdp", ice: "candidate", screen: "on" } as const;
    const field = needs[f.action as keyof typeof needs];
    if (field && f[field] === undefined)
      ctx.addIssue({ code: "custom", path: [field], message: `${f.action} needs ${field}` });
  });
export type CallFrame = z.infer<typeof callFrame>;

/** Frames both sides may send. */
export const clientFrame = z.discriminatedUnion("type", [
  helloFrame,
  messageFrame,
  typingFrame,
  readFrame,
  contactFrame,
  transcriptFrame,
  botFrame,
  callFrame,
  rateFrame,
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export const CLIENT_FRAME_TYPES = clientFrame.options.map((o) => o.shape.type.value);

/**
 * An operator accepts an email held because another address than the visitor's sent it
 * (`meta.unverifiedSender`): a copy enters as the sender's message (author `guest`, named by
 * the address), the held one gets `meta.acceptedAs` (its copy's seq).
 */
export const acceptEmailFrame = z.object({ type: z.literal("acceptEmail"), seq: z.number().int().min(1) });

/** An operator turns a held email away: it gets `meta.discardedBy` and never reaches the visitor. */
export const discardEmailFrame = z.object({ type: z.literal("discardEmail"), seq: z.number().int().min(1) });

/** Frames only operators may send. */
export const operatorFrame = z.discriminatedUnion("type", [
  ...clientFrame.options,
  noteFrame,
  acceptEmailFrame,
  discardEmailFrame,
]);
export type OperatorFrame = z.infer<typeof operatorFrame>;
export const OPERATOR_FRAME_TYPES = operatorFrame.options.map((o) => o.shape.type.value);
