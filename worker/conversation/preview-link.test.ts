import { describe, expect, it } from "vitest";
import { decodePreview, type Preview } from "../lib/inbox-preview";
import { PREVIEW_LINK_MS, PreviewLink } from "./preview-link";

const preview = (lastSeq: number): Preview => ({
  id: "c1",
  rev: lastSeq,
  lastSeq,
  frame: JSON.stringify({ type: "conversation", conversation: { id: "c1", lastSeq } }),
});

/**
 * The link against a Site that answers its socket's upgrade after `upgradeMs` (a real socket
 * pair; the Site's own side of previews is tested in test/worker/admin-inbox.test.ts).
 */
function slowSite(upgradeMs: number) {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  const received: Preview[] = [];
  server.addEventListener("message", (e) => {
    const p = decodePreview(e.data as string);
    if (p) received.push(p);
  });
  const site = {
    conversationPreview: async () => true,
    fetch: async () => {
      await new Promise((r) => setTimeout(r, upgradeMs));
      return new Response(null, { status: 101, webSocket: client });
    },
  };
  return { site: () => site as never, received };
}

describe("PreviewLink", () => {
  it("sends the preview it waited with when the Site answered the socket's upgrade late", async () => {
    const { site, received } = slowSite(PREVIEW_LINK_MS + 200);
    const link = new PreviewLink(site, () => {});
    expect(await link.send(preview(1))).toBe(true); // the first goes by RPC
    const opened = link.send(preview(2)); // the next within PREVIEW_LINK_MS opens the socket
    expect(link.send(preview(3))).toBeUndefined(); // replaces 2 while it opens
    await expect(opened).resolves.toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(received.map((p) => p.lastSeq)).toEqual([3]);
  });
});
