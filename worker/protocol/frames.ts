/**
 * Socket frames: the zod schemas of what widget and admin send a Conversation, and the
 * shared field schemas (client ids, message text, email). What the server sends back is
 * typed in ./types.ts.
 */
import { z } from "zod";
import { MAX_RATING_COMMENT, MAX_TEXT } from "./limits";

export const clientId = z
  .string()
  .min(1, "clientId is required")
  .max(64, "clientId is at most 64 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "clientId may use letters, digits and _ . : -");

export const messageText = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "text is empty")
      .max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`),
  );

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

/** Frames both sides may send. */
export const clientFrame = z.discriminatedUnion("type", [
  helloFrame,
  messageFrame,
  typingFrame,
  readFrame,
  contactFrame,
  transcriptFrame,
  rateFrame,
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export const CLIENT_FRAME_TYPES = clientFrame.options.map((o) => o.shape.type.value);

/**
 * An operator accepts an email held because another address than the visitor's sent it
 * (`meta.unverifiedSender`): a copy enters as the visitor's message, the held one gets
 * `meta.acceptedAs` (its copy's seq).
 */
export const acceptEmailFrame = z.object({ type: z.literal("acceptEmail"), seq: z.number().int().min(1) });

/** Frames only operators may send. */
export const operatorFrame = z.discriminatedUnion("type", [...clientFrame.options, noteFrame, acceptEmailFrame]);
export type OperatorFrame = z.infer<typeof operatorFrame>;
export const OPERATOR_FRAME_TYPES = operatorFrame.options.map((o) => o.shape.type.value);
