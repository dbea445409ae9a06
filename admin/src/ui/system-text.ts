/**
 * The thread's call and booking events in the operator's language: the server writes them in
 * English for transcripts and exports, and `meta` says what happened, so the admin words it.
 */
import type { AppointmentEvent, CallEvent, Message } from "../../../worker/protocol";
import { fullTime } from "../format";
import { t } from "../i18n";

/** The message's text as the operator reads it. */
export function systemText(m: Message): string {
  const call = m.meta?.call as CallEvent | undefined;
  const booking = m.meta?.appointment as AppointmentEvent | undefined;
  if (m.author.kind !== "system") return m.text;
  if (call) return callText(call);
  if (booking) {
    const about = booking.product ? t("thread.about", { product: booking.product.name }) : "";
    return t(`thread.appointment.${booking.event}`, { when: fullTime(booking.start) }) + about;
  }
  return m.text;
}

function callText(c: CallEvent): string {
  if (c.event === "requested") {
    const p = c.product;
    const about = p ? t("thread.about", { product: p.price ? `${p.name} (${p.price})` : p.name }) : "";
    return (
      t(c.audioOnly ? "thread.call.requestedAudio" : "thread.call.requested", { by: t(`thread.by.${c.by}`) }) + about
    );
  }
  if (c.event === "answered") return t("thread.call.answered");
  if (c.outcome && c.outcome !== "completed") return t(`thread.call.${c.outcome}`);
  const s = Math.round((c.durationMs ?? 0) / 1000);
  const duration = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return t(c.screenShared ? "thread.call.endedScreen" : "thread.call.ended", { duration });
}
