/**
 * `window.edgechat`, the host page's API. The loader defines a stand-in that queues calls;
 * this replaces it with the real thing and replays the queue in order.
 */
import type { Message } from "../worker/protocol";
import type { HostIdentity } from "./session";

/** What a shop may pass to `edgechat.open()`. */
export interface OpenOptions {
  /** A product the visitor asks about: its name (and price, link) go into the draft. */
  product?:
    | string
    | { name?: string; title?: string; sku?: string; price?: string | number; url?: string; image?: string };
  /** A video consultation: a call when an operator can take it now, else the slot picker. */
  video?: unknown;
}

export interface EdgechatApi {
  open(options?: OpenOptions): void;
  close(): void;
  identify(identity: HostIdentity): void;
  /** Listens to `message` (detail: the message), `open` or `close`; returns a function that stops. */
  on(event: "message" | "open" | "close", fn: (detail?: Message) => void): () => void;
}

/** What the API drives: the `<edge-chat>` element. */
export interface ApiTarget extends HTMLElement {
  show(options?: OpenOptions): void;
  hide(): void;
  identify(identity: HostIdentity): void;
}

/** The draft text for a product, e.g. "About: Linen shirt — 49 € — https://shop/p/1". */
export function productLine(product: OpenOptions["product"], about: string): string {
  if (!product) return "";
  const parts =
    typeof product === "string"
      ? [product]
      : [product.name ?? product.title ?? product.sku, product.price, product.url];
  // join() writes numbers as text.
  const text = parts.filter((p) => p != null && p !== "").join(" — ");
  return text ? `${about} ${text}\n` : "";
}

/** Installs the API for `el` and replays calls queued by the loader. */
export function installApi(el: ApiTarget): EdgechatApi {
  const queued =
    (window.edgechat as { q?: Array<[keyof EdgechatApi, unknown[] & { s?: unknown }]> } | undefined)?.q ?? [];
  const api: EdgechatApi = {
    open: (options) => el.show(options),
    close: () => el.hide(),
    identify: (identity) => el.identify(identity),
    on(event, fn) {
      const type = `edgechat-${event}`;
      const listener = (e: Event) => fn((e as CustomEvent<Message | undefined>).detail);
      el.addEventListener(type, listener);
      return () => el.removeEventListener(type, listener);
    },
  };
  window.edgechat = api;
  const run = ([method, args]: [keyof EdgechatApi, unknown[] & { s?: unknown }]) => {
    try {
      // `s`: the stop the loader's stand-in answered an early on() with; set already when stopped.
      args.s ??= (api[method] as (...a: unknown[]) => unknown)(...args);
    } catch (err) {
      console.error("edgechat:", err);
    }
    return 0;
  };
  queued.forEach(run);
  // The loader's launcher may still take a click before the first render: run it now.
  queued.push = (...calls) => calls.reduce((_, call) => run(call), 0);
  return api;
}

declare global {
  interface Window {
    edgechat?: EdgechatApi;
  }
}
