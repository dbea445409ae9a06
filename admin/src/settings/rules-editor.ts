/**
 * The rules part of the auto-replies screen: rules in order (the first whose periods fit
 * answers), each with a name, its periods, a timeout, and replies with conditions (email
 * known, language, page URL, UTM source, returning visitor). Inputs are named by the
 * server's field paths (`rules.0.variants.1.text`).
 */
import { html, nothing } from "lit";
import { t } from "../i18n";
import {
  BUILT_IN_PERIODS,
  type AutoReplySettings,
  type Editing,
  type Rule,
  type Variant,
  move,
  namedPeriods,
  newRule,
  newVariant,
  setCondition,
} from "./autoreply-model";
import { checkField, errorAt, selectField, textField } from "./editor-inputs";

const T = (key: string, params?: Record<string, string | number>) => t(`settings.autoreplies.${key}`, params);

/** A period's name for people: the built-in ones translated, named ones as they are. */
export function periodLabel(period: string): string {
  return (BUILT_IN_PERIODS as readonly string[]).includes(period) ? T(`periodNames.${period}`) : period;
}

export function rulesEditor(ed: Editing, settings: AutoReplySettings) {
  const rules = settings.rules;
  return html`<section class="card" aria-labelledby="h-rules">
    <h3 id="h-rules">${T("rules")}</h3>
    <p class="hint">${T("rulesHint")}</p>
    <p class="hint">${T("textHint")}</p>
    <div data-field="rules">
      ${rules.map((_, i) => ruleCard(ed, settings, i))}
      ${errorAt(ed, "rules")}
    </div>
    ${
      ed.readOnly
        ? nothing
        : html`<button type="button" class="add" @click=${() => {
            rules.push(newRule(T("rule", { n: rules.length + 1 })));
            ed.changed(true);
            ed.focusLater(`[id="rules.${rules.length - 1}.name"]`);
          }}>+ ${T("addRule")}</button>`
    }
  </section>`;
}

/** Up, down and delete buttons of a row in `list`; after a move, the moved row's same button keeps focus. */
function rowTools<T>(
  ed: Editing,
  list: T[],
  i: number,
  path: (i: number) => string,
  what: string,
  removeLabel: string,
) {
  if (ed.readOnly) return nothing;
  const shift = (by: -1 | 1, cls: string) => () => {
    if (!move(list, i, by)) return;
    ed.changed(true);
    ed.focusLater(`[data-field="${path(i + by)}"] > .tools > .${cls}`);
  };
  return html`<span class="tools">
    <button type="button" class="up" ?disabled=${i === 0} aria-label=${`${T("moveUp")}: ${what}`} @click=${shift(-1, "up")}>↑</button>
    <button type="button" class="down" ?disabled=${i === list.length - 1} aria-label=${`${T("moveDown")}: ${what}`} @click=${shift(1, "down")}>↓</button>
    <button type="button" class="danger remove" aria-label=${`${removeLabel}: ${what}`} @click=${() => {
      list.splice(i, 1);
      ed.changed(true);
    }}>✕</button>
  </span>`;
}

function ruleCard(ed: Editing, settings: AutoReplySettings, i: number) {
  const r = settings.rules[i]!;
  const p = `rules.${i}`;
  const title = `${T("rule", { n: i + 1 })}${r.name ? ` · ${r.name}` : ""}`;
  return html`<div class="rule" data-field=${p} role="group" aria-labelledby=${`${p}.title`}>
    <h4 id=${`${p}.title`}>${title}</h4>
    ${rowTools(ed, settings.rules, i, (k) => `rules.${k}`, title, T("removeRule"))}
    <div class="two">
      <div>${textField(ed, `${p}.name`, T("name"), r.name, (v) => (r.name = v), { maxlength: 80 })}</div>
      <div>${textField(
        ed,
        `${p}.timeoutSec`,
        T("timeout"),
        Number.isFinite(r.timeoutSec) ? r.timeoutSec : "",
        (v) => (r.timeoutSec = v.trim() === "" ? Number.NaN : Number(v)),
        { type: "number", min: 0, max: 86400, hint: T("timeoutHint") },
      )}</div>
    </div>
    ${periodsField(ed, settings, r, p)}
    <h4>${T("variants")}</h4>
    <div class="variants" data-field=${`${p}.variants`}>
      ${r.variants.map((_, j) => variantBox(ed, r, i, j))}
      ${errorAt(ed, `${p}.variants`)}
      ${
        ed.readOnly
          ? nothing
          : html`<button type="button" class="link add" aria-label=${`${T("addVariant")} (${title})`} @click=${() => {
              r.variants.push(newVariant());
              ed.changed(true);
              ed.focusLater(`[id="${p}.variants.${r.variants.length - 1}.text"]`);
            }}>+ ${T("addVariant")}</button>`
      }
    </div>
    ${errorAt(ed, p)}
  </div>`;
}

/** Checkboxes of the periods a rule may name: the built-in ones, those named in the hours, and any it names already. */
function periodsField(ed: Editing, settings: AutoReplySettings, r: Rule, p: string) {
  const named = namedPeriods(settings.schedule);
  const options = [...new Set([...BUILT_IN_PERIODS, ...named, ...r.periods])];
  const toggle = (name: string, on: boolean) => {
    r.periods = options.filter((o) => (o === name ? on : r.periods.includes(o)));
  };
  const builtIn = (name: string) => (BUILT_IN_PERIODS as readonly string[]).includes(name);
  return html`<fieldset class="periods" data-field=${`${p}.periods`}>
    <legend>${T("periods")}</legend>
    ${options.map((name) =>
      checkField(
        ed,
        `${p}.period-${name}`,
        builtIn(name) ? periodLabel(name) : `${name} (${T("namedPeriod")})`,
        r.periods.includes(name),
        (on) => toggle(name, on),
      ),
    )}
    ${errorAt(ed, `${p}.periods`)}
  </fieldset>`;
}

const yesNo = (v: boolean | undefined) => (v === undefined ? "" : String(v));
const fromYesNo = (v: string) => (v === "" ? undefined : v === "true");

function variantBox(ed: Editing, r: Rule, i: number, j: number) {
  const v: Variant = r.variants[j]!;
  const p = `rules.${i}.variants.${j}`;
  const w = v.when ?? {};
  const title = `${T("variant", { n: j + 1 })} (${T("rule", { n: i + 1 })})`;
  return html`<div class="variant" data-field=${p} role="group" aria-label=${title}>
    <strong>${T("variant", { n: j + 1 })}</strong>
    ${rowTools(ed, r.variants, j, (k) => `rules.${i}.variants.${k}`, title, T("removeVariant"))}
    <p class="when">${T("when")}:</p>
    <div class="conditions">
      <span class="cell">${selectField(
        ed,
        `${p}.when.emailKnown`,
        T("emailCond"),
        yesNo(w.emailKnown),
        [
          ["", T("any")],
          ["true", T("emailKnown")],
          ["false", T("emailUnknown")],
        ],
        (x) => setCondition(v, "emailKnown", fromYesNo(x)),
      )}</span>
      <span class="cell">${selectField(
        ed,
        `${p}.when.locale`,
        T("localeCond"),
        w.locale ?? "",
        [
          ["", T("any")],
          ["en", "English"],
          ["ru", "Русский"],
        ],
        (x) => setCondition(v, "locale", x === "" ? undefined : (x as "en" | "ru")),
      )}</span>
      <span class="cell">${selectField(
        ed,
        `${p}.when.returning`,
        T("returningCond"),
        yesNo(w.returning),
        [
          ["", T("any")],
          ["true", T("returning")],
          ["false", T("newVisitor")],
        ],
        (x) => setCondition(v, "returning", fromYesNo(x)),
      )}</span>
      <span class="cell">${selectField(
        ed,
        `${p}.when.operatorsOnline`,
        T("onlineCond"),
        yesNo(w.operatorsOnline),
        [
          ["", T("any")],
          ["true", T("someoneOnline")],
          ["false", T("nobodyOnline")],
        ],
        (x) => setCondition(v, "operatorsOnline", fromYesNo(x)),
      )}</span>
      <span class="cell wide">${textField(
        ed,
        `${p}.when.urlPattern`,
        T("urlPattern"),
        w.urlPattern ?? "",
        (x) => setCondition(v, "urlPattern", x.trim()),
        { maxlength: 500, placeholder: "/checkout/*", hint: T("urlPatternHint") },
      )}</span>
      <span class="cell">${textField(
        ed,
        `${p}.when.utmSource`,
        T("utmSource"),
        w.utmSource ?? "",
        (x) => setCondition(v, "utmSource", x.trim()),
        { maxlength: 100, placeholder: "google" },
      )}</span>
    </div>
    ${textField(ed, `${p}.text`, T("text"), v.text, (x) => (v.text = x), { multiline: 3, maxlength: 2000 })}
    ${errorAt(ed, p)}
  </div>`;
}
