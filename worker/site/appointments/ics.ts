/**
 * The `.ics` invitation sent with a booking's confirmation (RFC 5545, iTIP METHOD:REQUEST):
 * times in UTC, a UID that stays the same for the booking so a moved or cancelled one
 * updates the calendar entry instead of adding another, text escaped and lines folded at
 * 75 octets. Pure, so its content is tested on its own.
 */

export interface Invitation {
  /** The booking's id; the UID is `<id>@<domain>`. */
  id: string;
  domain: string;
  start: number;
  end: number;
  /** Bumped by every change, so calendars take the newest. */
  sequence: number;
  summary: string;
  description: string;
  /** The join link. */
  url?: string | undefined;
  organizer: { name: string; email: string };
  attendee: { name?: string | null | undefined; email: string };
  /** A cancelled booking: METHOD:CANCEL and STATUS:CANCELLED. */
  cancelled?: boolean;
  now?: number;
}

/** The calendar text, CRLF lines. */
export function invitationIcs(inv: Invitation): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Edgechat//Appointments//EN",
    "CALSCALE:GREGORIAN",
    `METHOD:${inv.cancelled ? "CANCEL" : "REQUEST"}`,
    "BEGIN:VEVENT",
    `UID:${inv.id}@${inv.domain}`,
    `SEQUENCE:${inv.sequence}`,
    `DTSTAMP:${utc(inv.now ?? Date.now())}`,
    `DTSTART:${utc(inv.start)}`,
    `DTEND:${utc(inv.end)}`,
    `SUMMARY:${text(inv.summary)}`,
    `DESCRIPTION:${text(inv.description)}`,
    ...(inv.url ? [`URL:${inv.url}`, `LOCATION:${text(inv.url)}`] : []),
    `ORGANIZER;CN=${param(inv.organizer.name)}:mailto:${inv.organizer.email}`,
    `ATTENDEE;${inv.attendee.name ? `CN=${param(inv.attendee.name)};` : ""}ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${inv.attendee.email}`,
    `STATUS:${inv.cancelled ? "CANCELLED" : "CONFIRMED"}`,
    "TRANSP:OPAQUE",
    ...(inv.cancelled
      ? []
      : ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", `DESCRIPTION:${text(inv.summary)}`, "END:VALARM"]),
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

/** 20261203T140000Z */
export function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** TEXT value escaping (RFC 5545 §3.3.11). */
function text(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n");
}

/** A parameter value: quoted, without the characters a quoted value cannot hold. */
function param(s: string): string {
  return `"${s.replace(/["\r\n\u0000-\u001f]/g, " ").trim()}"`;
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (§3.1). */
function fold(line: string): string {
  const encoder = new TextEncoder();
  const out: string[] = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (size + n > (out.length ? 74 : 75)) {
      out.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  out.push(current);
  return out.join("\r\n ");
}
