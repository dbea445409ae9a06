/**
 * What the conversation's feature modules (auto-replies, follow-up emails) may use of the
 * Conversation object: its store and timers, its Site, and the one way to post a message.
 * Keeping them behind this interface lets the object own only state, sockets and timers.
 */
import type { Env } from "../env";
import type { Timers } from "../lib/timers";
import type { Site } from "../site";
import type { Message, ServerFrame } from "../protocol";
import type { ConversationStore, NewMessage } from "./store";

export interface ConversationHost {
  readonly id: string;
  readonly env: Env;
  /** The object's SQLite, for modules that own a table of their own (files, the bot). */
  readonly sql: SqlStorage;
  /** The object's small key-value store: what is worth keeping across hibernation. */
  readonly kv: SyncKvStorage;
  readonly store: ConversationStore;
  readonly timers: Timers;
  /** The Site object this conversation belongs to. */
  site(): DurableObjectStub<Site>;
  /** Stores a message and tells every socket and the Site (see Conversation.append). */
  post(message: NewMessage): Message;
  /** Sends a frame to the visitor's tabs. */
  toVisitors(frame: ServerFrame): void;
  /** Sends a frame to every socket, or to one side's. */
  toAll(frame: ServerFrame, side?: "visitor" | "operator"): void;
  /** The sockets with `tag` ("visitor", "operator", or a socket's own `socket:…` tag). */
  sockets(tag: string): WebSocket[];
  /** A socket's own tag (`socket:…`), given when it was accepted. */
  socketTag(ws: WebSocket): string | null;
  /** Something the inbox shows changed without a message (the Site hears of it soon). */
  changed(): void;
}
