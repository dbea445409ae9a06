/**
 * How a Conversation's previews reach its Site. An RPC is an event on the Site with a cost
 * of its own whatever it carries (90–130 µs of the runtime's thread, `npm run bench:calls`),
 * which at hundreds of messages a second is time taken from the messages; a message on an
 * open socket costs less (30 µs when they come thick, 80 when spread out). But an open
 * outgoing socket keeps the Conversation in memory (it cannot hibernate, and is billed by
 * the second), so a preview goes by RPC, and only a conversation that previews again within
 * PREVIEW_LINK_MS opens a socket to its Site for the next ones, and closes it after
 * PREVIEW_LINK_MS without one: a chat of a line every few seconds never holds one.
 */
import { encodePreview, PREVIEW_SOCKET_PATH, PREVIEWS_NOT_WANTED, type Preview } from "../lib/inbox-preview";
import type { siteStub } from "../lib/jurisdiction";

export const PREVIEW_LINK_MS = 1_000;

export class PreviewLink {
  private socket: WebSocket | null = null;
  private opening = false;
  /** The newest preview while the socket opens: the older ones it replaces are out of date. */
  private pending: Preview | null = null;
  private lastAt = Number.NEGATIVE_INFINITY;
  private idleCheck: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly site: () => ReturnType<typeof siteStub>,
    /** The Site closed the socket because it wants no previews for now. */
    private readonly refused: () => void,
  ) {}

  /**
   * Sends a preview. By RPC it answers whether the Site wants more; over the socket it
   * answers nothing (a Site that wants no more closes it with PREVIEWS_NOT_WANTED).
   */
  send(preview: Preview): Promise<boolean> | undefined {
    const now = Date.now();
    const often = now - this.lastAt < PREVIEW_LINK_MS;
    this.lastAt = now;
    if (this.socket) {
      this.socket.send(encodePreview(preview));
      return;
    }
    if (this.opening) {
      this.pending = preview;
      return;
    }
    if (!often) return this.site().conversationPreview(preview);
    this.pending = preview;
    return this.open();
  }

  /** Opens the socket and sends the newest preview that came meanwhile; rejects when it cannot be opened. */
  private async open(): Promise<boolean> {
    this.opening = true;
    try {
      const res = await this.site().fetch(`https://site${PREVIEW_SOCKET_PATH}`, { headers: { Upgrade: "websocket" } });
      const socket = res.webSocket;
      if (!socket) throw new Error(`the Site answered ${res.status} to a preview socket`);
      socket.accept();
      socket.addEventListener("close", (event) => this.closed(socket, event.code));
      socket.addEventListener("error", () => this.closed(socket, 0));
      this.socket = socket;
      // Sent before the idle check: a Site busy enough to answer the upgrade after
      // PREVIEW_LINK_MS would otherwise see the socket closed before the preview it waited for.
      if (this.pending) socket.send(encodePreview(this.pending));
      this.closeWhenIdle();
      return true;
    } catch (err) {
      // The next preview goes by RPC; the one after tries the socket again.
      this.lastAt = Number.NEGATIVE_INFINITY;
      throw err;
    } finally {
      this.opening = false;
      this.pending = null;
    }
  }

  private closeWhenIdle(): void {
    const left = this.lastAt + PREVIEW_LINK_MS - Date.now();
    if (left > 0) {
      this.idleCheck = setTimeout(() => this.closeWhenIdle(), left);
      return;
    }
    this.idleCheck = undefined;
    this.socket?.close(1000, "no previews for a while");
    this.socket = null;
  }

  private closed(socket: WebSocket, code: number): void {
    if (this.socket !== socket) return;
    this.socket = null;
    if (this.idleCheck) clearTimeout(this.idleCheck);
    this.idleCheck = undefined;
    if (code === PREVIEWS_NOT_WANTED) this.refused();
  }
}
