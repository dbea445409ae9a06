/**
 * Limits of the wire contract, free of any library so browser bundles can import them.
 * The server's schemas (./frames.ts, ./bodies.ts) enforce the same numbers.
 */

/** Longest message text a visitor or operator may send, in characters. */
export const MAX_TEXT = 4000;
/** The longest comment a visitor may leave with a rating. */
export const MAX_RATING_COMMENT = 1000;
/** One sender may send at most this many `message` frames per window, across sockets. */
export const RATE_LIMIT = { messages: 20, windowMs: 10_000 } as const;
/** A `welcome` carries at most this many messages; `more: true` says ask again. */
export const WELCOME_PAGE = 500;
/**
 * The close code of a conversation's sockets once it is erased, and of an operator's that
 * comes back to one with nothing stored (erased meanwhile): connecting again brings nothing.
 */
export const CONVERSATION_GONE = 4004;
/** Frames larger than this are refused before parsing (a 4,000-character text fits easily). */
export const MAX_FRAME_BYTES = 32_768;
/** Largest JSON body any HTTP route accepts: 64 KiB (as a literal, which a bundler drops where unused). */
export const MAX_BODY_BYTES = 65_536;
/** Deepest nesting of arrays and objects a JSON body or frame may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * Files in conversations. The per-file and per-conversation sizes are site settings
 * (`files.maxFileMB`, `files.maxConversationMB`); these are their defaults and ceilings.
 */
export const FILE_LIMITS = {
  defaultFileMB: 10,
  defaultConversationMB: 100,
  /** Highest per-file setting: the Worker holds an upload in memory while it checks it. */
  maxFileMB: 25,
  maxConversationMB: 1000,
  /** Images with more pixels are refused: a viewer would have to decode a giant bitmap. */
  maxImagePixels: 100_000_000,
  /** Longest kept file name, in characters. */
  maxNameLength: 200,
} as const;
/** What the attach button offers; the server checks the content, not this list. */
export const ACCEPTED_FILES = ".jpg,.jpeg,.png,.gif,.webp,.pdf,.txt,.csv,.log";
/** Browsers shrink photos so that their longer side is at most this many pixels before upload. */
export const UPLOAD_IMAGE_MAX_SIDE = 2048;

/**
 * Video calls. Signalling frames are relayed between the two parties only; an SDP longer
 * than this is refused (a three-track offer with many candidates is ~6 KB), and a call
 * nobody answers within `ringMs` is recorded as missed.
 */
export const CALL_LIMITS = {
  maxSdpChars: 16_000,
  maxCandidateChars: 1_000,
  ringMs: 45_000,
} as const;
