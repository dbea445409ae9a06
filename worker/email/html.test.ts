import { describe, expect, it } from "vitest";
import { decodeEntities, htmlToText } from "./html";

describe("htmlToText", () => {
  it("turns blocks and breaks into lines and collapses blank lines", () => {
    const html =
      '<div dir="ltr"><div>Hello,</div><div><br></div><div>the lamp   arrived\n broken.<br>Can you help?</div>' +
      "<p>First</p><p>Second</p><ul><li>one</li><li>two</li></ul><br><br><br><br>End</div>";
    expect(htmlToText(html)).toBe("Hello,\n\nthe lamp arrived broken.\nCan you help?\nFirst\nSecond\none\ntwo\n\nEnd");
  });

  it("drops head, scripts, styles and comments", () => {
    const html =
      "<html><head><title>t</title><style>p{color:red}</style></head><body>" +
      "<!-- [if mso]>x<![endif] --><script>alert('<b>')</script><p>Visible</p></body></html>";
    expect(htmlToText(html)).toBe("Visible");
  });

  it("decodes entities", () => {
    expect(htmlToText("<p>&laquo;Ok&raquo; &amp; 5&nbsp;&lt;&nbsp;6 &#8212; &#x416;&euro;</p>")).toBe(
      "«Ok» & 5 < 6 — Ж€",
    );
  });

  it("removes quoted history before converting", () => {
    const gmail =
      '<div dir="ltr">Yes, size M please.</div><br><div class="gmail_quote gmail_quote_container">' +
      '<div dir="ltr" class="gmail_attr">On Mon, 3 Nov 2026 at 10:00, Shop &lt;x@y.z&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0px"><div>Which size?</div><blockquote>older</blockquote></blockquote></div>';
    expect(htmlToText(gmail)).toBe("Yes, size M please.");
    const apple = '<div>Thanks!<br><div><br><blockquote type="cite"><div>On 3 Nov…</div></blockquote></div></div>';
    expect(htmlToText(apple)).toBe("Thanks!");
    const mailru =
      '<div>Спасибо!</div><div class="mail-quote-collapse"><div>Понедельник, 3 ноября 2026, 10:00 +03:00 от Shop:</div>' +
      '<blockquote style="border-left:1px solid #0857A6">Здравствуйте</blockquote></div>';
    expect(htmlToText(mailru)).toBe("Спасибо!");
  });

  it("keeps quotes when asked", () => {
    expect(htmlToText('<div>New</div><blockquote type="cite">Old</blockquote>', { keepQuotes: true })).toBe("New\nOld");
  });

  it('marks quotes with "> " per nesting level of quote elements when asked, keeping text below them', () => {
    const gmail =
      '<div dir="ltr">Yes, M.</div><div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Nov 2026, Shop wrote:<br></div>' +
      "<blockquote><div>Which size?</div><blockquote>Hello<br>there</blockquote><div>Thanks</div></blockquote></div><div>And a bulb.</div>";
    expect(htmlToText(gmail, { markQuotes: true })).toBe(
      "Yes, M.\n> > On Mon, 3 Nov 2026, Shop wrote:\n> > Which size?\n> > > Hello\n> > > there\n> > Thanks\nAnd a bulb.",
    );
  });

  it("keeps the lines of a pre and the space of the signature delimiter", () => {
    expect(htmlToText("<p>Order:</p><pre>2 x lamp\n1 x  bulb</pre>")).toBe("Order:\n2 x lamp\n1 x bulb");
    expect(htmlToText("<div>Ok</div><div>--&nbsp;<br>Anna</div>")).toBe("Ok\n-- \nAnna");
    expect(htmlToText("<div>a -- b</div><div>--</div>")).toBe("a -- b\n--");
  });

  it("survives broken markup", () => {
    expect(htmlToText("a < b and <b>c</b> <div")).toBe("a < b and c <div");
    expect(htmlToText('<img alt=">" src="x">ok')).toBe("ok");
  });
});

describe("decodeEntities", () => {
  it("leaves unknown entities and replaces invalid code points", () => {
    expect(decodeEntities("&unknown; &#0; &#xD800; &amp;amp;")).toBe("&unknown; \ufffd \ufffd &amp;");
  });
});
