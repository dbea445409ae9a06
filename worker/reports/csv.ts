/**
 * The report's tables as CSV (RFC 4180: CRLF lines, fields quoted when they hold a comma,
 * quote or line break). A cell that a spreadsheet would run as a formula is prefixed with
 * an apostrophe, since department and operator names come from people.
 */
import type { Figures } from "./figures";

/** The tables a report offers for download. */
export const REPORT_TABLES = [
  "daily",
  "hours",
  "weekdays",
  "departments",
  "operators",
  "pages",
  "bot",
  "video",
  "conversion",
] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

function cell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV text, the header first. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** One of the report's tables as CSV; `names` turns department and operator ids into names. */
export function tableCsv(figures: Figures, table: ReportTable, names: Record<string, string> = {}): string {
  switch (table) {
    case "daily":
      return toCsv(
        ["day", "conversations", "missed", "first_response_median_s"],
        figures.daily.map((d) => [d.day, d.conversations, d.missed, seconds(d.firstResponseMedian)]),
      );
    case "hours":
      return toCsv(
        ["hour", "conversations"],
        figures.byHour.map((n, h) => [h, n]),
      );
    case "weekdays":
      return toCsv(
        ["weekday", "conversations"],
        figures.byWeekday.map((n, d) => [WEEKDAY_NAMES[d], n]),
      );
    case "pages":
      return toCsv(
        ["page", "conversations"],
        figures.byStartPage.map((p) => [p.page, p.conversations]),
      );
    case "bot": {
      const b = figures.bot;
      return toCsv(
        ["figure", "value"],
        b
          ? [
              ["dialogs", b.dialogs],
              ["depth_mean", b.depth],
              ["feedback", b.feedback],
              ["helpful", b.helpful],
              ["helpful_rate", b.helpfulRate],
              ["leads_completed", b.leads],
              ["bookings", b.bookings],
              ["goals", b.goals],
              ["goal_rate", b.goalRate],
              ["drop_offs", b.dropOffs],
              ["drop_off_rate", b.dropOffRate],
              ["handoffs", b.handoffs],
              ["handoff_rate", b.handoffRate],
            ]
          : [],
      );
    }
    case "video": {
      const v = figures.video;
      return toCsv(
        ["figure", "value"],
        v
          ? [
              ["calls_requested", v.requested],
              ["calls_answered", v.answered],
              ["calls_missed", v.missed],
              ["calls_declined", v.declined],
              ["answer_rate", v.answerRate],
              ["duration_mean_s", seconds(v.duration.mean)],
              ["duration_median_s", seconds(v.duration.median)],
              ["screen_shared", v.screenShared],
              ["appointments_booked", v.appointments.booked],
              ["appointments_attended", v.appointments.attended],
              ["appointments_no_show", v.appointments.noShow],
              ["attend_rate", v.appointments.attendRate],
            ]
          : [],
      );
    }
    case "conversion": {
      const c = figures.conversion;
      return toCsv(
        ["figure", "value"],
        c
          ? [
              ["visitors_counted", c.visitors],
              ["buyers", c.buyers],
              ["order_rate", c.orderRate],
              ["chatting_visitors", c.chattingVisitors],
              ["chatting_buyers", c.chattingBuyers],
              ["chatting_order_rate", c.chattingOrderRate],
              ["orders", c.orders],
              ["orders_after_chat", c.attributedOrders],
              ["currency", c.currency],
              ["revenue", c.revenue],
              ["revenue_after_chat", c.attributedRevenue],
              ["orders_in_other_currencies", c.otherCurrencyOrders],
              ...c.byChannel.flatMap((ch) => [
                [`orders_after_${ch.channel}`, ch.orders],
                [`revenue_after_${ch.channel}`, ch.revenue],
              ]),
            ]
          : [],
      );
    }
    case "departments":
    case "operators": {
      const list = table === "departments" ? figures.byDepartment : figures.byOperator;
      return toCsv(
        ["id", "name", "conversations", "answered", "first_response_mean_s"],
        list.map((g) => [g.id, names[g.id] ?? "", g.conversations, g.answered, seconds(g.firstResponseMean)]),
      );
    }
  }
}
