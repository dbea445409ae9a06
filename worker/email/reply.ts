/**
 * Keeps only what a person wrote now in an email reply: quoted history, the "On … wrote:"
 * attribution, forwarded/original-message blocks, signatures and "Sent from my phone"
 * footers are dropped. Formats of Gmail, Outlook, Apple Mail, Thunderbird, Yandex Mail and
 * Mail.ru in English, Russian, German, French and Spanish.
 */

type CutKind = "attribution" | "header" | "separator" | "signature" | "footer";

interface Cut {
  /** First line that is not new text. */
  index: number;
  /** Lines the marker itself spans. */
  length: number;
  kind: CutKind;
}

const QUOTED = /^\s*>/;
// "-- " is the signature delimiter; "--" is the same line after trailing spaces were trimmed.
const SIGNATURE = /^--\s?$/;
const RULE = /^\s*[-_=]{5,}\s*$/;
const SEPARATOR =
  /^\s*-{2,}\s*(original message|forwarded message|исходное сообщение|пересылаемое сообщение|пересланное сообщение|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado)\s*-{2,}\s*$/i;
const FOOTER =
  /^(sent from my |sent from (outlook|mail for|yahoo mail|samsung)|get outlook for |отправлено (с|со|из) |von meinem .{1,40} gesendet|envoyé (de|depuis) mon |enviado desde mi )/i;
// The verb closes the line: "… wrote:", "… пишет:", "… a écrit :", "… escribió:".
const WROTE =
  /(wrote|пишет|писал|писала|написал|написала|написал\(а\)|schrieb|a écrit|escribió|ha escrito)\s*:$/i;
// German puts the verb in the middle: "Am 03.11.2026 um 10:00 schrieb Shop:".
const GERMAN = /^am\s.{4,100}\sschrieb\s.{1,150}:$/i;
// Gmail in Russian, Yandex and Mail.ru: "DATE, TIME, NAME <address>:" with no verb at all.
const ADDRESS_COLON = /[\w.+-]+@[\w-]+(\.[\w-]+)+>?\)?\s*:$/;
const TIME = /\d{1,2}:\d{2}/;
const YEAR = /\d{4}/;

// Outlook's header block: "From: … Sent: … To: … Subject: …" and its translations.
const FROM = /^\*?(from|от|von|de|da)\s?:\*?\s*\S/i;
const SENT = /^\*?(sent|date|отправлено|дата|gesendet|datum|envoyé|enviado(?: el)?|fecha|inviato)\s?:/i;
const TO = /^\*?(to|кому|an|à|para|a)\s?:/i;
const SUBJECT = /^\*?(subject|тема|betreff|objet|asunto|oggetto)\s?:/i;

/**
 * The new text of an email reply, without quoted history, attribution lines, signatures
 * and mobile footers. When nothing was written above the quote (a reply written below or
 * between quoted lines), the unquoted lines below the attribution are kept instead, so a
 * reply is never emptied when the person wrote something.
 *
 * @example stripQuotedReply("Thanks!\n\nOn Mon, 3 Nov 2026 at 10:00, Shop <x@y> wrote:\n> Hi") // "Thanks!"
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  return tidy(strip(lines, 0));
}

function strip(lines: string[], depth: number): string[] {
  const cut = findCut(lines);
  const head = lines.slice(0, cut ? cut.index : lines.length).filter((l) => !QUOTED.test(l));
  if (!cut || head.some((l) => l.trim() !== "") || depth > 3) return head;
  if (cut.kind === "attribution" || cut.kind === "footer") {
    return strip(lines.slice(cut.index + cut.length), depth + 1);
  }
  return head;
}

function findCut(lines: string[]): Cut | null {
  for (let i = 0; i < lines.length; i++) {
    const found = markerAt(lines, i);
    if (!found) continue;
    // An Outlook block is often introduced by a rule of underscores; it goes too.
    let index = i;
    while (index > 0 && (lines[index - 1].trim() === "" || RULE.test(lines[index - 1]))) index--;
    return { index, length: found.length + (i - index), kind: found.kind };
  }
  return null;
}

function markerAt(lines: string[], i: number): { kind: CutKind; length: number } | null {
  const raw = lines[i];
  if (QUOTED.test(raw)) return null;
  if (SIGNATURE.test(raw)) return { kind: "signature", length: 1 };
  const line = raw.trim();
  if (line === "") return null;
  if (SEPARATOR.test(line)) return { kind: "separator", length: 1 };
  if (line.length < 80 && FOOTER.test(line)) return { kind: "footer", length: 1 };
  if (isAttribution(line)) return { kind: "attribution", length: 1 };
  const next = lines[i + 1]?.trim() ?? "";
  // Clients wrap a long attribution over two lines. When the next line is a whole
  // attribution by itself, this line is the person's own text, unless it looks like the
  // head of one: it breaks inside the address, or has a time and no closing punctuation.
  const head = /<\s*$/.test(line) || (TIME.test(line) && !/[.!?]$/.test(line));
  if (next !== "" && next.length < 100 && !QUOTED.test(lines[i + 1]) && (head || !isAttribution(next))) {
    if (isAttribution(`${line} ${next}`.replace(/<\s+/g, "<"))) return { kind: "attribution", length: 2 };
  }
  if (isOutlookHeader(lines, i)) return { kind: "header", length: 1 };
  return null;
}

function isAttribution(line: string): boolean {
  if (line.length > 300) return false;
  if (WROTE.test(line) && /[\d@]/.test(line)) return true;
  if (GERMAN.test(line)) return true;
  return ADDRESS_COLON.test(line) && TIME.test(line) && YEAR.test(line);
}

function isOutlookHeader(lines: string[], i: number): boolean {
  if (!FROM.test(lines[i].trim())) return false;
  const following = lines
    .slice(i + 1, i + 8)
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .slice(0, 4);
  const sent = following.some((l) => SENT.test(l));
  const to = following.some((l) => TO.test(l));
  const subject = following.some((l) => SUBJECT.test(l));
  return (sent && (to || subject)) || (to && subject);
}

/** Trims line ends and the whole text; leaves at most one blank line in a row. */
function tidy(lines: string[]): string {
  return lines
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
