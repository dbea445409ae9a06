/**
 * The schedule part of the auto-replies screen: the time zone of the hours, the weekly
 * hours (several intervals a day, overnight ones, a named period per interval) and the
 * exceptions by date (closed all day, or special hours). Every input's id is the field
 * path the server uses (`schedule.week.mon.0.to`), so its message lands beside it.
 */
import { html, nothing } from "lit";
import { t } from "../i18n";
import {
  type Editing,
  type Exception,
  type Interval,
  type Schedule,
  type Weekday,
  WEEK,
  namedPeriods,
  newException,
  newInterval,
  weekdayName,
  zoneNames,
} from "./autoreply-model";
import { checkField, errorAt, selectField, textField } from "./editor-inputs";

const T = (key: string, params?: Record<string, string | number>) => t(`settings.autoreplies.${key}`, params);

let zones: string[] | null = null;

/** The whole schedule card; `siteZone` is the zone of the site's settings, offered as a shortcut. */
export function scheduleEditor(ed: Editing, s: Schedule, siteZone: string | null) {
  zones ??= zoneNames();
  return html`<section class="card" aria-labelledby="h-hours">
    <h3 id="h-hours">${T("week")}</h3>
    <div class="zone">
      ${textField(ed, "schedule.timezone", T("timezone"), s.timezone, (v) => (s.timezone = v.trim()), { list: "zones", hint: T("timezoneHint"), maxlength: 64 })}
      ${
        siteZone && siteZone !== s.timezone && !ed.readOnly
          ? html`<button type="button" class="link"
        @click=${() => {
          s.timezone = siteZone;
          ed.changed();
        }}>${T("useSiteZone", { zone: siteZone })}</button>`
          : nothing
      }
      <datalist id="zones">${zones.map((z) => html`<option value=${z}></option>`)}</datalist>
      <datalist id="period-names">${["work", "lunch", ...namedPeriods(s)].map((p) => html`<option value=${p}></option>`)}</datalist>
    </div>
    <p class="hint">${T("weekHint")}</p>
    <div class="week" data-field="schedule.week">
      ${WEEK.map((day) => dayRow(ed, s, day))}
      ${errorAt(ed, "schedule.week")}
    </div>
  </section>
  <section class="card" aria-labelledby="h-exceptions">
    <h3 id="h-exceptions">${T("exceptions")}</h3>
    <p class="hint">${T("exceptionsHint")}</p>
    <div data-field="schedule.exceptions">
      ${s.exceptions.length ? s.exceptions.map((_, i) => exceptionRow(ed, s, i)) : html`<p class="muted">${T("noExceptions")}</p>`}
      ${errorAt(ed, "schedule.exceptions")}
    </div>
    ${ed.readOnly ? nothing : html`<button type="button" class="add" @click=${() => addException(ed, s)}>+ ${T("addException")}</button>`}
  </section>`;
}

function dayRow(ed: Editing, s: Schedule, day: Weekday) {
  const list = (s.week[day] ??= []);
  const path = `schedule.week.${day}`;
  const name = weekdayName(day);
  return html`<div class="day" data-field=${path} role="group" aria-labelledby=${`day-${day}`}>
    <div class="day-name" id=${`day-${day}`}>${name}</div>
    <div class="intervals">
      ${list.length ? list.map((_, i) => intervalRow(ed, list, i, path, name)) : html`<span class="muted">${T("closed")}</span>`}
      ${errorAt(ed, path)}
      ${ed.readOnly ? nothing : addIntervalButton(ed, list, path, name)}
    </div>
  </div>`;
}

function addIntervalButton(ed: Editing, list: Interval[], path: string, dayLabel: string) {
  return html`<button type="button" class="link add" aria-label=${`${T("addInterval")} (${dayLabel})`} @click=${() => {
    list.push(newInterval(list));
    ed.changed(true);
    ed.focusLater(`[id="${path}.${list.length - 1}.from"]`);
  }}>+ ${T("addInterval")}</button>`;
}

/** One interval: from, to, overnight, period, remove. */
function intervalRow(ed: Editing, list: Interval[], i: number, path: string, dayLabel: string) {
  const iv = list[i]!;
  const p = `${path}.${i}`;
  const label = T("hoursOf", { day: dayLabel, n: i + 1 });
  return html`<div class="interval" data-field=${p} role="group" aria-label=${label}>
    <span class="cell">${textField(ed, `${p}.from`, `${T("from")} (${label})`, iv.from, (v) => (iv.from = v), { type: "time", hiddenLabel: true })}</span>
    <span class="dash" aria-hidden="true">–</span>
    <span class="cell">${textField(ed, `${p}.to`, `${T("to")} (${label})`, iv.to, (v) => (iv.to = v), { type: "time", hiddenLabel: true })}</span>
    <span class="cell">${checkField(ed, `${p}.overnight`, T("overnight"), !!iv.overnight, (v) => (v ? (iv.overnight = true) : delete iv.overnight), `${p}.overnight`)}</span>
    <span class="cell period">${textField(
      ed,
      `${p}.period`,
      `${T("period")} (${label})`,
      iv.period ?? "",
      (v) => (v.trim() ? (iv.period = v.trim()) : delete iv.period),
      { list: "period-names", placeholder: T("periodHint"), hiddenLabel: true, maxlength: 32 },
    )}</span>
    ${
      ed.readOnly
        ? nothing
        : html`<button type="button" class="danger remove" aria-label=${`${T("removeInterval")}: ${label}`}
      @click=${() => {
        list.splice(i, 1);
        ed.changed(true);
      }}>✕</button>`
    }
    ${errorAt(ed, p)}
  </div>`;
}

function exceptionRow(ed: Editing, s: Schedule, i: number) {
  const e = s.exceptions[i]!;
  const p = `schedule.exceptions.${i}`;
  const setKind = (v: string) => {
    if (v === "closed") {
      e.closed = true;
      delete e.intervals;
    } else {
      delete e.closed;
      e.intervals = e.intervals?.length ? e.intervals : [newInterval([])];
    }
  };
  return html`<div class="exception" data-field=${p}>
    <div class="exception-head">
      <span class="cell">${textField(ed, `${p}.date`, T("date"), e.date, (v) => (e.date = v), { type: "date" })}</span>
      <span class="cell">${selectField(
        ed,
        `${p}.closed`,
        T("dayKind"),
        e.closed ? "closed" : "hours",
        [
          ["closed", T("closedAllDay")],
          ["hours", T("specialHours")],
        ],
        (v) => {
          setKind(v);
          ed.changed(true);
        },
      )}</span>
      <span class="cell grow">${textField(ed, `${p}.note`, T("note"), e.note ?? "", (v) => (v ? (e.note = v) : delete e.note), { maxlength: 200 })}</span>
      ${
        ed.readOnly
          ? nothing
          : html`<button type="button" class="danger remove-exception" aria-label=${`${T("removeException")}: ${e.date}`}
        @click=${() => {
          s.exceptions.splice(i, 1);
          ed.changed(true);
        }}>${t("settings.delete")}</button>`
      }
    </div>
    ${e.intervals ? specialHours(ed, e, `${p}.intervals`) : nothing}
    ${errorAt(ed, p)}
  </div>`;
}

function specialHours(ed: Editing, e: Exception, path: string) {
  const list = e.intervals!;
  return html`<div class="intervals" data-field=${path}>
    ${list.map((_, i) => intervalRow(ed, list, i, path, e.date))}
    ${errorAt(ed, path)}
    ${ed.readOnly ? nothing : addIntervalButton(ed, list, path, e.date)}
  </div>`;
}

function addException(ed: Editing, s: Schedule): void {
  s.exceptions.push(newException(s));
  ed.changed(true);
  ed.focusLater(`[id="schedule.exceptions.${s.exceptions.length - 1}.date"]`);
}
