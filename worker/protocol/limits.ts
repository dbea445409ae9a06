/**
 * Limits of the wire contract, free of any library so browser bundles can import them.
 * The server's schemas (./frames.ts, ./bodies.ts) enforce the same numbers.
 */

/** Longest message text a visitor or operator may send, in characters. */
export const MAX_TEXT = 4000;
/** One sender may send at most this many `message` frames per window, across sockets. */
export const RATE_LIMIT = { messages: 20, windowMs: 10_000 } as const;
/** A `welcome` carries at most this many messages; `more: true` says ask again. */
export const WELCOME_PAGE = 500;
/** Frames larger than this are refused before parsing (a 4,000-character text fits easily). */
export const MAX_FRAME_BYTES = 32_768;
/** Largest JSON body any HTTP route accepts. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Deepest nesting of arrays and objects a JSON body or frame may have. */
export const MAX_JSON_DEPTH = 32;
