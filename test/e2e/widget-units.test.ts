/** The widget's pure helpers, in Node: links, backoff, heartbeat, language choice, product line, colours. */
import { describe, expect, test, vi } from "vitest";
import { productLine } from "../../widget/api";
import { backoff } from "../../widget/connection";
import { Heartbeat } from "../../widget/heartbeat";
import { pickLocale } from "../../widget/i18n";
import { linkify, safeHref } from "../../widget/links";
import { textOn } from "../../widget/look";

/** linkify's parts as plain data: strings, and {href, text} for links. */
function parts(text: string) {
  return linkify(text).map((p) => (typeof p === "string" ? p : { href: p.values[0], text: p.values[1] }));
}

describe("links", () => {
  test("only http and https become links", () => {
    expect(safeHref("https://shop.example/a?b=1")).toBe("https://shop.example/a?b=1");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,<script>alert(1)</script>")).toBeNull();
    expect(safeHref("not a url")).toBeNull();
    expect(parts("javascript:alert(1) <a href=x>")).toEqual(["javascript:alert(1) <a href=x>"]);
  });

  test("sentence punctuation stays outside the link, balanced parentheses inside", () => {
    expect(parts("See https://shop.example/p/1.")).toEqual([
      "See ",
      { href: "https://shop.example/p/1", text: "https://shop.example/p/1" },
      ".",
    ]);
    expect(parts("(https://en.wikipedia.org/wiki/Linen_(fabric))")).toEqual([
      "(",
      { href: "https://en.wikipedia.org/wiki/Linen_(fabric)", text: "https://en.wikipedia.org/wiki/Linen_(fabric)" },
      ")",
    ]);
  });
});

describe("reconnecting", () => {
  test("waits grow from half a second to half a minute, with jitter", () => {
    expect([0, 1, 2, 3].map((n) => backoff(n, 0))).toEqual([250, 500, 1000, 2000]);
    expect(backoff(0, 1)).toBe(500);
    expect(backoff(20, 1)).toBe(30_000);
    expect(backoff(20, 0)).toBe(15_000);
  });
});

describe("heartbeat", () => {
  test("pings on its interval; drops the socket only when nothing at all answers a ping in time", () => {
    vi.useFakeTimers();
    try {
      const sent: string[] = [];
      let open = true;
      let drops = 0;
      const beat = new Heartbeat({ send: (f) => open && sent.push(f) > 0, drop: () => drops++ }, 1000, 300);
      beat.start();
      vi.advanceTimersByTime(1000);
      expect(sent).toEqual(["ping"]);
      vi.advanceTimersByTime(200);
      beat.heard(); // the pong, or any frame
      vi.advanceTimersByTime(500);
      expect(drops).toBe(0);
      vi.advanceTimersByTime(300 + 299); // the second ping, unanswered, 1 ms before its deadline
      expect([sent.length, drops]).toEqual([2, 0]);
      vi.advanceTimersByTime(1);
      expect(drops).toBe(1);
      // A socket that is not open is the connection's to bring back: no ping, no drop.
      open = false;
      vi.advanceTimersByTime(5000);
      expect([sent.length, drops]).toEqual([2, 1]);
      open = true;
      beat.stop();
      vi.advanceTimersByTime(5000);
      expect(sent.length).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("language", () => {
  test("plugin setting, then page, then site, then English", () => {
    expect(pickLocale("ru_RU", "en", "en")).toBe("ru");
    expect(pickLocale(undefined, "ru-RU", "en")).toBe("ru");
    expect(pickLocale(undefined, "de", "ru")).toBe("ru");
    expect(pickLocale(undefined, "", undefined)).toBe("en");
  });
});

describe("open({product})", () => {
  test("puts a readable line into the draft", () => {
    expect(productLine({ name: "Shirt", price: 89, url: "https://s.example/p" }, "About:")).toBe(
      "About: Shirt — 89 — https://s.example/p\n",
    );
    expect(productLine("Shirt", "About:")).toBe("About: Shirt\n");
    expect(productLine({}, "About:")).toBe("");
    expect(productLine(undefined, "About:")).toBe("");
  });
});

describe("colours", () => {
  test("text on the accent colour stays readable", () => {
    expect(textOn("#2563eb")).toBe("#ffffff");
    expect(textOn("#fde047")).toBe("#111111");
  });
});
