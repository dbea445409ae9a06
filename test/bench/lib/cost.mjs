/**
 * What 1,000 conversations of 10 messages cost on Cloudflare, from what a run counted and
 * measured, at the published prices of the Workers Paid plan
 * (https://developers.cloudflare.com/workers/platform/pricing/,
 *  https://developers.cloudflare.com/durable-objects/platform/pricing/):
 * marginal prices, i.e. beyond the plan's included usage and its $5 monthly minimum.
 *
 * Counted from outside (the load client): Worker requests, incoming WebSocket messages, and
 * the inbox frames per message (one per preview or summary the Site showed operators).
 * Counted inside the objects (STORAGE_COST): rows written and read per message and summary.
 * Bounded: a conversation calls the Site at most twice per message (a preview or a summary
 * sent at once — the frame counted — and a summary folding it in later) and stores at most
 * one summary per message (the gap folds several in practice), so the Site's calls and rows
 * are upper bounds.
 * A busy conversation sends its previews over a socket to its Site, and an open outgoing
 * socket keeps it in memory, billed: at most PREVIEW_LINK_MS after each message (counted
 * as an upper bound, as if every message opened one; the previews on it are counted as
 * calls above, where they are billed 20:1).
 * Measured: the runtime's CPU per message and per conversation set up. Assumed, and printed
 * with the result: the internal calls per conversation set up and the storage kept.
 */

export const PRICES = {
  workerRequestsPerM: 0.3,
  workerCpuPerMMs: 0.02,
  doRequestsPerM: 0.15,
  doGbSecondsPerM: 12.5,
  rowsWrittenPerM: 1.0,
  rowsReadPerM: 0.001,
  storagePerGbMonth: 0.2,
  /** Incoming WebSocket messages are billed 20:1 as requests. */
  wsMessagesPerRequest: 20,
  /** Duration is billed for 128 MB, whatever is used. */
  gb: 0.128,
};

export const CONVERSATIONS = 1000;
export const MESSAGES = 10;

/**
 * SQLite rows a visitor's message costs, counted in the real objects by
 * test/worker/storage-cost.test.ts (which fails when the message path changes them, so
 * update them together): in its conversation, and in the Site per summary it takes.
 */
export const STORAGE_COST = {
  conversationRowsWrittenPerMessage: 3,
  conversationRowsReadPerMessage: 2,
  siteRowsWrittenPerSummary: 5,
  siteRowsReadPerSummary: 4,
};

/** How long a preview socket stays open after a conversation's last preview (worker/conversation/preview-link.ts). */
export const PREVIEW_LINK_MS = 1_000;

/** Summaries stored per message, at most (see above). */
export const SUMMARIES_PER_MESSAGE = 1;

/** Rows written and read per message for a target: the conversation's, plus the Site's for its summaries. */
export function rowsPerMessage(kind) {
  if (kind === "echo-insert") return { written: 1, read: 0 };
  if (kind !== "edgechat") return { written: 0, read: 0 };
  const c = STORAGE_COST;
  return {
    written: c.conversationRowsWrittenPerMessage + c.siteRowsWrittenPerSummary * SUMMARIES_PER_MESSAGE,
    read: c.conversationRowsReadPerMessage + c.siteRowsReadPerSummary * SUMMARIES_PER_MESSAGE,
  };
}

/** What the outside cannot count, per target (the rows come from STORAGE_COST). */
export function assumptions(kind) {
  const real = kind === "edgechat";
  return {
    // Session POST, the visitor's socket, the operator's socket.
    workerRequestsPerConversation: real ? 3 : 3,
    // Site.startSession, Conversation fetch + Site.contactOf (first contact), Site.authenticate + Conversation fetch.
    doRequestsPerConversation: real ? 5 : 2,
    // The conversation row, its contact and inbox rows, timers.
    rowsWrittenPerConversation: real ? 6 : 0,
    storageBytesPerConversation: real ? 24 * 1024 : kind === "echo-insert" ? 16 * 1024 : 0,
  };
}

/**
 * The bill of CONVERSATIONS × MESSAGES for a target, from a run's `measured` figures:
 * `{cpuMsPerMessage, setupCpuMsPerConversation, inboxFramesPerMessage}`.
 */
export function bill(kind, measured) {
  const a = assumptions(kind);
  const rows = rowsPerMessage(kind);
  const conversations = CONVERSATIONS;
  const messages = conversations * MESSAGES;
  const wsIn = messages + 2 * conversations; // every message, and each socket's hello
  const siteUpdates = kind === "edgechat" ? messages * (measured.inboxFramesPerMessage + SUMMARIES_PER_MESSAGE) : 0;
  const doRequests = conversations * a.doRequestsPerConversation + wsIn / PRICES.wsMessagesPerRequest + siteUpdates;
  // Active (billed) time ≈ the runtime's CPU for the work: handlers are synchronous SQLite
  // and sends; an idle object with hibernatable sockets is not billed. Plus, for Edgechat,
  // the time a preview socket holds a conversation in memory (an upper bound, see above).
  const activeSeconds =
    (messages * measured.cpuMsPerMessage) / 1000 + (kind === "edgechat" ? (messages * PREVIEW_LINK_MS) / 1000 : 0);
  const lines = [
    {
      item: "Worker requests",
      quantity: conversations * a.workerRequestsPerConversation,
      unit: "req",
      per: PRICES.workerRequestsPerM,
    },
    {
      item: "Worker CPU",
      quantity: conversations * measured.setupCpuMsPerConversation,
      unit: "ms",
      per: PRICES.workerCpuPerMMs,
    },
    { item: "Durable Object requests", quantity: doRequests, unit: "req", per: PRICES.doRequestsPerM },
    { item: "Durable Object duration", quantity: activeSeconds * PRICES.gb, unit: "GB-s", per: PRICES.doGbSecondsPerM },
    {
      item: "SQLite rows written",
      quantity: messages * rows.written + conversations * a.rowsWrittenPerConversation,
      unit: "rows",
      per: PRICES.rowsWrittenPerM,
    },
    { item: "SQLite rows read", quantity: messages * rows.read, unit: "rows", per: PRICES.rowsReadPerM },
    // A month of the stored conversations.
    {
      item: "SQLite storage (a month)",
      quantity: (conversations * a.storageBytesPerConversation) / 1e9,
      unit: "GB-month",
      per: PRICES.storagePerGbMonth * 1e6,
    },
  ].map((l) => ({ ...l, usd: (l.quantity * l.per) / 1e6 }));
  return { kind, conversations, messages, lines, usd: lines.reduce((s, l) => s + l.usd, 0), assumptions: a, rows };
}
