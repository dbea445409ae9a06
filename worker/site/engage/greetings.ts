/**
 * Greeting rules (settings key `greetings`): which greeting, if any, a page view gets. The
 * server matches what it knows (page, returning visitor, cart, open hours); the widget waits
 * the rule's seconds on the page and keeps, per visitor, when it showed each rule and which
 * the visitor dismissed (so nothing about them is stored here).
 */
import { activePeriod } from "../../autoreply";
import type { EngageOffer, GreetingRule } from "../../protocol";
import * as audit from "../audit";
import { settingsInForce } from "../autoreply";
import { readSetting, writeSetting } from "../settings";

/** What a page view offers the rules. */
export interface PageView {
  url: string;
  returning: boolean;
  cartTotal?: number;
  /** The auto-reply schedule says operators are on now. */
  open: boolean;
}

/** True when `url` matches `pattern`: a full address, or a path (query ignored); `*` is anything. */
export function pageMatches(pattern: string, url: string): boolean {
  let target = url;
  if (pattern.startsWith("/")) {
    try {
      target = new URL(url).pathname;
    } catch {
      return false;
    }
  }
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  // "/cart" also matches "/cart/".
  return re.test(target) || re.test(target.replace(/\/$/, ""));
}

/** The first enabled rule that matches the page view, or null. */
export function matchRule(rules: GreetingRule[], view: PageView): GreetingRule | null {
  return (
    rules.find(
      (r) =>
        r.enabled &&
        (r.pages.length === 0 || r.pages.some((p) => pageMatches(p, view.url))) &&
        (r.visitors === "all" || (r.visitors === "returning") === view.returning) &&
        (r.minCart === 0 || (view.cartTotal ?? 0) >= r.minCart) &&
        (r.schedule === "any" || (r.schedule === "open") === view.open),
    ) ?? null
  );
}

/** The rule's text in `locale`, else in the other language. */
export function ruleText(rule: GreetingRule, locale: string | undefined): string {
  return (locale?.startsWith("ru") ? rule.text.ru || rule.text.en : rule.text.en || rule.text.ru) ?? "";
}

/** The saved rules (none until the owner adds some). */
export function greetingRules(sql: SqlStorage): GreetingRule[] {
  return readSetting<GreetingRule[]>(sql, "greetings") ?? [];
}

/** Saves the rules (already validated by the route's schema) and audits the change. */
export function saveGreetingRules(sql: SqlStorage, actor: audit.Actor, rules: GreetingRule[]): GreetingRule[] {
  const before = greetingRules(sql);
  writeSetting(sql, "greetings", rules);
  audit.record(sql, actor, "greetings.update", null, { from: before.length, to: rules.length });
  return rules;
}

/** The greeting for this page view, or null. */
export function greetingFor(
  sql: SqlStorage,
  view: Omit<PageView, "open">,
  locale: string | undefined,
  name: string,
  now = new Date(),
): EngageOffer | null {
  const rules = greetingRules(sql);
  if (!rules.some((r) => r.enabled)) return null;
  const schedule = settingsInForce(sql)?.schedule;
  const open = schedule ? activePeriod(schedule, now).open : true;
  const rule = matchRule(rules, { ...view, open });
  if (!rule) return null;
  return {
    kind: "greeting",
    id: rule.id,
    text: ruleText(rule, locale),
    name,
    delay: rule.delaySeconds,
    period: rule.periodHours,
  };
}
