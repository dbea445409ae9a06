/**
 * The bot's settings (`settings` key `bot`) and its scenario (key `bot_scenario`), each
 * validated on save with the field named; and what a Conversation needs to run the bot.
 */
import { activePeriod, scheduleFor, urlMatches } from "../../autoreply";
import { validateScenario } from "../../bot/scenario";
import { failure, type Failure } from "../../lib/errors";
import { botSettings, type BotSettings, type Scenario } from "../../protocol/bot";
import { describeIssues, issueFields } from "../../protocol/bodies";
import * as audit from "../audit";
import { settingsInForce } from "../autoreply";
import { department } from "../departments";
import { readSetting, siteSettingsOf, writeSetting } from "../settings";

/** The saved settings, or the defaults (bot off). */
export function readBotSettings(sql: SqlStorage): BotSettings {
  return botSettings.parse(readSetting(sql, "bot") ?? {});
}

/** Validates and saves the settings; a 400 names the field. */
export function saveBotSettings(sql: SqlStorage, actor: audit.Actor, input: unknown): BotSettings | Failure {
  const parsed = botSettings.safeParse(input);
  if (!parsed.success)
    return failure(400, "invalid_settings", describeIssues(parsed.error), { fields: issueFields(parsed.error) });
  writeSetting(sql, "bot", parsed.data);
  audit.record(sql, actor, "bot.update", null);
  return parsed.data;
}

/**
 * The lead settings that are secrets: the webhook's signing secret, and the Bitrix24 inbound
 * webhook link, whose path is its access token. They are not in the site's archive.
 */
const SECRET_LEAD_SETTINGS = ["webhookSecret", "bitrix24Url"] as const;

/** Bot settings as they go into an archive: without their secrets. */
export function botSettingsWithoutSecrets(value: unknown): unknown {
  const leads = (value as { leads?: unknown } | null)?.leads;
  if (!leads || typeof leads !== "object") return value;
  const kept = { ...(leads as Record<string, unknown>) };
  for (const key of SECRET_LEAD_SETTINGS) delete kept[key];
  return { ...(value as object), leads: kept };
}

/** Bot settings from an archive, with this site's own secrets kept (an archive has none). */
export function botSettingsWithSecretsOf(sql: SqlStorage, value: unknown): unknown {
  const leads = (value as { leads?: unknown } | null)?.leads;
  if (!leads || typeof leads !== "object") return value;
  const here = readBotSettings(sql).leads;
  const kept = { ...(leads as Record<string, unknown>) };
  for (const key of SECRET_LEAD_SETTINGS) {
    if (here[key]) kept[key] = here[key];
    else delete kept[key];
  }
  return { ...(value as object), leads: kept };
}

/** The saved scenario, or null. */
export function readScenario(sql: SqlStorage): Scenario | null {
  return readSetting<Scenario>(sql, "bot_scenario");
}

/** Validates and saves a scenario; refused naming the step (`steps.2.next`). */
export function saveScenario(sql: SqlStorage, actor: audit.Actor, input: unknown): Scenario | Failure {
  const checked = validateScenario(input);
  if (!checked.ok)
    return failure(400, "invalid_scenario", checked.message, { fields: { [checked.field]: checked.message } });
  const unknown = unknownDepartment(sql, checked.value);
  if (unknown)
    return failure(400, "invalid_scenario", unknown.message, { fields: { [unknown.field]: unknown.message } });
  writeSetting(sql, "bot_scenario", checked.value);
  audit.record(sql, actor, "bot.scenario", null, { steps: checked.value.steps.length });
  return checked.value;
}

/** The first step or button that routes to a department this site does not have. */
function unknownDepartment(sql: SqlStorage, scenario: Scenario): { field: string; message: string } | null {
  for (const [i, step] of scenario.steps.entries()) {
    const targets: [string, string | undefined][] = [
      ["department", step.department],
      ...(step.buttons ?? []).map((b, j): [string, string | undefined] => [`buttons.${j}.department`, b.department]),
    ];
    for (const [field, id] of targets) {
      if (id && !department(sql, id))
        return { field: `steps.${i}.${field}`, message: `step "${step.id}": no department "${id}"` };
    }
  }
  return null;
}

/** The scenario to greet a visitor with on `url` now, or null (off, another page, another period). */
export function greetingScenario(sql: SqlStorage, url: string | undefined, at = new Date()): Scenario | null {
  const scenario = readScenario(sql);
  if (!scenario?.enabled) return null;
  if (scenario.when?.urlPattern && !urlMatches(scenario.when.urlPattern, url)) return null;
  const periods = scenario.when?.periods;
  if (periods?.length) {
    const settings = settingsInForce(sql);
    if (!settings || !periods.includes(activePeriod(scheduleFor(settings), at).period)) return null;
  }
  return scenario;
}

/** The bot's name as visitors see it: its own, else the team's with "bot", so nobody takes it for a person. */
export function botName(sql: SqlStorage): string | undefined {
  const site = siteSettingsOf(sql);
  const team = site?.look.teamName || site?.name;
  return readBotSettings(sql).name || (team ? `${team} · ${site?.locale.startsWith("ru") ? "бот" : "bot"}` : undefined);
}
