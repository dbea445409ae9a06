/**
 * Rows written and read per message, counted in the real objects (SQLite cursors' own
 * `rowsWritten`/`rowsRead`), so the benchmark's bill (test/bench/lib/cost.mjs) prices what
 * the message path really writes. A visitor's message in a live conversation, with the
 * operator watching, auto-replies off (as in the benchmark); the Site's part is counted
 * per summary it stores (previews in between write nothing). Each message here waits for
 * its summary to be stored, so there is one per message: what the bill assumes at most.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { siteStub } from "../../worker/lib/jurisdiction";
import { beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_LINK_MS as BILLED_PREVIEW_LINK_MS, STORAGE_COST } from "../bench/lib/cost.mjs";
import { PREVIEW_LINK_MS } from "../../worker/conversation/preview-link";
import {
  createSite,
  eventually,
  login,
  noAutoReplies,
  openSocket,
  operatorSocket,
  startSession,
  visitorSocket,
  type Client,
} from "./helpers";

const SITE = "cost-shop";
let cookie: string;

/** A statement the test itself runs, which the meter leaves out. */
const UNMETERED = "/* unmetered */";

/** Sums the rows every SQLite statement of one object wrote and read, from now on. */
async function meter(stub: DurableObjectStub) {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  await runInDurableObject(stub, (_instance, state) => {
    const own = state.storage.sql;
    const exec = own.exec;
    own.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
      const cursor = exec.call(this, query, ...bindings);
      if (!query.startsWith(UNMETERED)) cursors.push(cursor);
      return cursor;
    } as SqlStorage["exec"];
  });
  return {
    reset: () => void cursors.splice(0),
    written: () => cursors.reduce((n, c) => n + c.rowsWritten, 0),
    read: () => cursors.reduce((n, c) => n + c.rowsRead, 0),
  };
}

beforeAll(async () => {
  await createSite(SITE);
  cookie = await login(SITE);
  await noAutoReplies(cookie);
});

/** The last seq of the conversation's stored inbox row. */
function storedSeq(site: DurableObjectStub, id: string): Promise<number | undefined> {
  return runInDurableObject(site, (_instance, state) => {
    const row = state.storage.sql
      .exec<{ entry: string }>(`${UNMETERED} SELECT entry FROM inbox WHERE id = ?`, id)
      .toArray()[0];
    return row ? (JSON.parse(row.entry) as { lastSeq: number }).lastSeq : undefined;
  });
}

describe("rows per message", () => {
  it("counts what a visitor's message writes in its conversation and in the Site", async () => {
    const grant = await startSession(SITE);
    const tab = await visitorSocket(grant);
    await tab.hello();
    await tab.say("first, to create the conversation and its inbox row");
    const op = await operatorSocket(cookie, grant.conversationId);
    await op.hello();
    // The first message's one-off work (its auto-reply check, the new inbox row) settles first.
    await new Promise((r) => setTimeout(r, 500));
    const inbox = (await openSocket(`/api/v1/admin/ws`, { Cookie: cookie })) as Client;

    const conversation = env.CONVERSATION.get(env.CONVERSATION.idFromString(grant.conversationId));
    const site = siteStub(env, SITE);
    const c = await meter(conversation);
    const s = await meter(site);

    const MESSAGES = 10;
    let summaries = 0;
    for (let i = 0; i < MESSAGES; i++) {
      const seq = await tab.say(`message ${i}`);
      await op.next("message");
      // Operators' lists show it (a preview or the summary), and its summary is stored before
      // the next message: the Site's rows per summary.
      await eventually(async () => {
        const frame = inbox.frames.find((f) => f.type === "conversation" && f.conversation.lastSeq === seq);
        expect(frame).toBeDefined();
      }, 5000);
      await eventually(async () => expect(await storedSeq(site, grant.conversationId)).toBe(seq), 5000);
      summaries++;
    }
    const measured = {
      conversationRowsWrittenPerMessage: c.written() / MESSAGES,
      conversationRowsReadPerMessage: c.read() / MESSAGES,
      siteRowsWrittenPerSummary: s.written() / summaries,
      siteRowsReadPerSummary: s.read() / summaries,
    };
    console.log("storage cost per message", measured);
    // The bill prices these figures: keep cost.mjs in step with what the objects do.
    for (const [figure, value] of Object.entries(measured))
      expect(value, figure).toBeCloseTo(STORAGE_COST[figure as keyof typeof STORAGE_COST], 0);
  });

  it("bills a preview socket for as long as it stays open", () => {
    expect(BILLED_PREVIEW_LINK_MS).toBe(PREVIEW_LINK_MS);
  });
});
