/** The widget's pure helpers, in Node: links, backoff, language choice, product line, colours. */
import { describe, expect, test } from "vitest";
import { productLine } from "../../widget/api";
import { backoff } from "../../widget/connection";
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
