/**
 * HTML email bodies to plain text, for replies that carry no text part. Quoted history
 * is removed, or marked with `>` like a text part's, while the markup still says what is
 * quoted (a `blockquote`, Gmail's `gmail_quote`), which is far more reliable than guessing
 * from the text afterwards.
 */

export interface HtmlToTextOptions {
  /** Keep quoted history (blockquotes, `gmail_quote`…) as plain text; default false. */
  keepQuotes?: boolean;
  /** Keep quoted history with its lines prefixed "> " per nesting level, as in a text part. */
  markQuotes?: boolean;
}

// Elements whose content is never text.
const SKIP = new Set(["head", "script", "style", "title", "template", "noscript", "svg", "xml"]);
// Elements that start and end a line.
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "center",
  "dd",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]);

// Every blockquote is quoted history in a reply (Apple Mail and Thunderbird mark theirs
// `type="cite"`, Gmail `gmail_quote`, Yandex and Mail.ru use plain styled ones). These
// classes mark the rest: Gmail's wrapper, attribution and signature, Thunderbird's
// `moz-cite-prefix` and `moz-signature` (a `pre` when the signature is a text file),
// Yahoo's `yahoo_quoted`, Mail.ru's `mail-quote-collapse`, Yandex's quote wrappers.
const QUOTE_CLASS =
  /\b(gmail_quote\w*|gmail_attr|gmail_signature|moz-cite-prefix|moz-signature|yahoo_quoted|mail-quote-collapse|yandex[\w-]*quote\w*|js-helper-quote)\b/i;

const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<[!?][^>]*>|[^<]+|</g;

/**
 * Converts an HTML email body to readable text: drops head, scripts and styles, drops
 * quoted history (unless `keepQuotes`), turns `<br>`, paragraphs, divs and list items
 * into line breaks, keeps the lines of a `pre`, decodes entities and collapses blank lines.
 *
 * @example htmlToText('<div>Thanks!</div><blockquote type="cite">old</blockquote>') // "Thanks!"
 */
export function htmlToText(html: string, options: HtmlToTextOptions = {}): string {
  let out = "";
  let lineBreakDue = false;
  let skipping: { name: string; depth: number } | null = null;
  // Open quote elements when marking: each counts nested elements of its own name to find its end.
  const quotes: { name: string; depth: number }[] = [];
  // Open `pre` elements: their line breaks are the text's.
  let pre = 0;
  const atLineStart = () => out === "" || out.endsWith("\n");
  const write = (line: string) => {
    let text = line;
    if (lineBreakDue && !atLineStart()) out += "\n";
    lineBreakDue = false;
    if (atLineStart()) {
      text = text.replace(/^ +/, "");
      if (text !== "" && quotes.length > 0) text = "> ".repeat(quotes.length) + text;
    }
    out += text;
  };

  for (const match of html.matchAll(TOKEN)) {
    const [token, closing, rawName, attrs = ""] = match;
    const name = rawName?.toLowerCase();

    if (skipping) {
      if (name === skipping.name && !attrs.endsWith("/")) {
        skipping.depth += closing ? -1 : 1;
        if (skipping.depth === 0) skipping = null;
      }
      continue;
    }
    if (!name) {
      if (token.startsWith("<!") || token.startsWith("<?")) continue;
      if (pre === 0) {
        write(decodeEntities(token.replace(/[ \t\r\n\f]+/g, " ")));
        continue;
      }
      const lines = decodeEntities(token).split(/\r\n?|\n/);
      for (const [i, line] of lines.entries()) {
        if (i > 0) out += "\n";
        write(line.replace(/[ \t\f]+/g, " "));
      }
      continue;
    }
    const opening = !closing && !VOID.has(name) && !attrs.endsWith("/");
    if (opening && (SKIP.has(name) || (!options.keepQuotes && !options.markQuotes && isQuote(name, attrs)))) {
      skipping = { name, depth: 1 };
      lineBreakDue = true;
      continue;
    }
    if (options.markQuotes && trackQuote(quotes, name, attrs, opening, !!closing)) lineBreakDue = true;
    if (name === "pre") pre = Math.max(0, pre + (opening ? 1 : closing ? -1 : 0));
    if (name === "br") {
      if (lineBreakDue && out !== "" && !out.endsWith("\n")) out += "\n";
      out += "\n";
      lineBreakDue = false;
    } else if (BLOCK.has(name)) {
      lineBreakDue = true;
    }
  }
  return tidy(out);
}

/**
 * Follows quote elements for `markQuotes`: a quote element opens a level, nested elements of
 * the same name are counted so the right closing tag ends it. Returns whether a level opened
 * or closed (a quote always starts and ends a line).
 */
function trackQuote(
  quotes: { name: string; depth: number }[],
  name: string,
  attrs: string,
  opening: boolean,
  closing: boolean,
): boolean {
  const top = quotes[quotes.length - 1];
  if (opening && isQuote(name, attrs)) {
    quotes.push({ name, depth: 1 });
    return true;
  }
  if (!top || top.name !== name) return false;
  if (opening) top.depth++;
  else if (closing && --top.depth === 0) {
    quotes.pop();
    return true;
  }
  return false;
}

function isQuote(name: string, attrs: string): boolean {
  if (name === "blockquote") return true;
  if (name !== "div" && name !== "span" && name !== "section" && name !== "pre") return false;
  const cls = /\b(?:class|id)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;
  for (const m of attrs.matchAll(cls)) if (QUOTE_CLASS.test(m[1])) return true;
  return false;
}

/**
 * Trims every line and leaves at most one blank line between paragraphs. The signature
 * delimiter keeps its space ("-- ", RFC 3676; editors write "--&nbsp;"): the reply reader
 * trusts a signature of any length under it, but only a short one under a bare "--".
 */
function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, " ")
    .split("\n")
    .map((line) => (/^(?:> )*-- +$/.test(line.trimStart()) ? line.trim().replace(/--$/, "-- ") : line.trim()))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  shy: "",
  laquo: "«",
  raquo: "»",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  sbquo: "‚",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  bull: "•",
  middot: "·",
  copy: "©",
  reg: "®",
  trade: "™",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
  deg: "°",
  times: "×",
  divide: "÷",
  sect: "§",
  para: "¶",
  plusmn: "±",
  numero: "№",
  zwnj: "\u200c",
  zwj: "\u200d",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  iexcl: "¡",
  iquest: "¿",
  agrave: "à",
  aacute: "á",
  acirc: "â",
  atilde: "ã",
  auml: "ä",
  aring: "å",
  aelig: "æ",
  ccedil: "ç",
  egrave: "è",
  eacute: "é",
  ecirc: "ê",
  euml: "ë",
  igrave: "ì",
  iacute: "í",
  icirc: "î",
  iuml: "ï",
  ntilde: "ñ",
  ograve: "ò",
  oacute: "ó",
  ocirc: "ô",
  otilde: "õ",
  ouml: "ö",
  oslash: "ø",
  ugrave: "ù",
  uacute: "ú",
  ucirc: "û",
  uuml: "ü",
  yacute: "ý",
  yuml: "ÿ",
  szlig: "ß",
  Agrave: "À",
  Aacute: "Á",
  Acirc: "Â",
  Auml: "Ä",
  Ccedil: "Ç",
  Egrave: "È",
  Eacute: "É",
  Ecirc: "Ê",
  Ntilde: "Ñ",
  Oacute: "Ó",
  Ouml: "Ö",
  Uacute: "Ú",
  Uuml: "Ü",
  oelig: "œ",
  OElig: "Œ",
};

/** Decodes named, decimal and hexadecimal character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (all, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref] ?? all;
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
    return String.fromCodePoint(code);
  });
}
