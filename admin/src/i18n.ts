/**
 * Russian and English for the admin app. `t("inbox.views.open")` looks a key up in the
 * current language; `{name}` placeholders are filled from params; a text with `|` holds
 * plural forms chosen by `n` (English: one|other; Russian: one|few|many).
 * Components that show text add `new Localized(this)` so they redraw on a language change.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { en, type Dict } from "./i18n/en";
import { ru } from "./i18n/ru";

export type Locale = "en" | "ru";
const DICTS: Record<Locale, Dict> = { en, ru };
const STORAGE_KEY = "edgechat.locale";
const events = new EventTarget();

function initial(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "ru") return saved;
  return navigator.language?.toLowerCase().startsWith("ru") ? "ru" : "en";
}

let current: Locale = initial();
document.documentElement.lang = current;

/** The current language. */
export function locale(): Locale {
  return current;
}

/** Switches the language, remembers it, and redraws every Localized component. */
export function setLocale(next: Locale, remember = true): void {
  if (remember) localStorage.setItem(STORAGE_KEY, next);
  if (next === current) return;
  current = next;
  document.documentElement.lang = next;
  events.dispatchEvent(new Event("change"));
}

/** True when the operator picked a language themselves (then the site's default does not apply). */
export function localeChosen(): boolean {
  return localStorage.getItem(STORAGE_KEY) !== null;
}

function lookup(dict: Dict, key: string): string | undefined {
  let node: unknown = dict;
  for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === "string" ? node : undefined;
}

function pluralForm(text: string, n: number): string {
  const forms = text.split("|");
  if (forms.length === 1) return text;
  if (current === "ru") {
    const m10 = n % 10;
    const m100 = n % 100;
    const i = m10 === 1 && m100 !== 11 ? 0 : m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14) ? 1 : 2;
    return forms[Math.min(i, forms.length - 1)]!;
  }
  return n === 1 ? forms[0]! : forms[forms.length - 1]!;
}

/** The text of `key` in the current language (English, then the key itself, as fallbacks). */
export function t(key: string, params: Record<string, string | number> = {}): string {
  let text = lookup(DICTS[current], key) ?? lookup(en, key) ?? key;
  if (typeof params.n === "number") text = pluralForm(text, params.n);
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A message from the server (English) in the current language when we know it. */
export function serverText(message: string): string {
  if (message === "network_error") return t("errors.network");
  return (DICTS[current].server as Record<string, string>)[message] ?? message;
}

/** Redraws its host when the language changes. */
export class Localized implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    events.addEventListener("change", this.onChange);
  }
  hostDisconnected(): void {
    events.removeEventListener("change", this.onChange);
  }
}
