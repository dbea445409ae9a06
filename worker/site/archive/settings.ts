/**
 * The site's settings in an archive, one rule per setting key: how the value leaves (without
 * secrets), why it would be refused (checked at staging, so a dry run finds what the commit
 * would stop on), how it names this site's departments, and how it is saved: through its
 * module's own checks, so an archive cannot store what the admin could not.
 */
import { validateAutoReplySettings } from "../../autoreply/schema";
import { validateScenario } from "../../bot/scenario";
import { failure, type Failure } from "../../lib/errors";
import { emailSettings, greetingRules, routingBody, siteSettings } from "../../protocol";
import { botSettings } from "../../protocol/bot";
import * as appointments from "../appointments";
import { appointmentSettings } from "../appointments/slots";
import * as audit from "../audit";
import * as autoReply from "../autoreply";
import * as botConfig from "../bot/config";
import * as retention from "../data-rights/retention";
import { saveGreetingRules } from "../engage/greetings";
import * as mailSettings from "../mail/settings";
import * as routing from "../routing";
import { writeSetting } from "../settings";

/** A department id of the archive as this site knows it, or null when the archive has no such department. */
type DepartmentHere = (sourceId: unknown) => string | null;

interface SettingRule {
  /** The stored value as it goes into an archive (as it is, unless said). */
  out?: (value: unknown) => unknown;
  /** Why the value would be refused here, or null. */
  fault: (value: unknown) => string | null;
  /** What the owner should know before it replaces this site's (a conflict line: its key and words), or null. */
  warning?: (sql: SqlStorage, value: unknown) => { key: string; resolution: string } | null;
  /** The value as this site takes it (as it is, unless said). */
  here?: (sql: SqlStorage, value: object, department: DepartmentHere) => unknown;
  /** Saves it; a failure says why it was refused. */
  save: (sql: SqlStorage, actor: audit.Actor, value: unknown) => Failure | unknown;
}

type Parsed = { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };

/** The first issue of a schema's answer, naming its field, or null. */
function issueOf(result: Parsed, key: string): string | null {
  const issue = result.success ? undefined : result.error?.issues[0];
  return issue ? `${issue.path.map(String).join(".") || key}: ${issue.message}` : null;
}

/**
 * The months of a retention setting: stored as `{months}` (a number of months, or null to
 * keep everything); undefined when it is neither.
 */
function retentionOf(value: unknown): number | null | undefined {
  const months =
    value && typeof value === "object" && "months" in value ? (value as { months: unknown }).months : value;
  if (months === null) return null;
  return typeof months === "number" &&
    Number.isInteger(months) &&
    months >= 1 &&
    months <= retention.MAX_RETENTION_MONTHS
    ? months
    : undefined;
}

/** A scenario with its departments as this site knows them; a button to one it does not hands to a person. */
function scenarioHere(value: object, department: DepartmentHere): unknown {
  const scenario = value as { steps?: unknown };
  if (!Array.isArray(scenario.steps)) return value;
  const steps = scenario.steps.map((step: Record<string, unknown> | null) => {
    if (!step || typeof step !== "object") return step;
    const buttons = Array.isArray(step.buttons)
      ? step.buttons.map((b: Record<string, unknown> | null) => {
          if (!b || typeof b !== "object" || !("department" in b)) return b;
          const { department: source, ...rest } = b;
          const here = department(source);
          if (here) return { ...rest, department: here };
          return b.action === "department" ? { ...rest, action: "handoff" } : rest;
        })
      : step.buttons;
    const { department: source, ...rest } = step;
    const here = "department" in step ? department(source) : null;
    return { ...rest, ...(here ? { department: here } : {}), ...(buttons ? { buttons } : {}) };
  });
  return { ...scenario, steps };
}

/*
 * A department the archive does not carry (deleted at the source while its scenario or lead
 * emails still named it) has no id here: the button hands to a person instead, the step and
 * the lead email lose it, as the source's own bot treats it by then.
 */
const RULES = {
  settings: {
    fault: (v) => issueOf(siteSettings.safeParse(v), "settings"),
    save: (sql, actor, v) => {
      const parsed = siteSettings.safeParse(v);
      if (!parsed.success) return failure(400, "archive_setting", "the site's settings are not valid here");
      writeSetting(sql, "settings", parsed.data);
      audit.record(sql, actor, "settings.import", null);
      return null;
    },
  },
  autoreply: {
    fault: (v) => {
      const checked = validateAutoReplySettings(v);
      return checked.ok ? null : `${checked.field}: ${checked.message}`;
    },
    save: (sql, actor, v) => autoReply.saveSettings(sql, actor, v),
  },
  email: {
    fault: (v) => issueOf(emailSettings.safeParse(v), "email"),
    save: (sql, actor, v) => mailSettings.saveEmailSettings(sql, actor, v),
  },
  routing: {
    fault: (v) => issueOf(routingBody.safeParse(v), "routing"),
    here: (_sql, v, department) => ({
      ...v,
      defaultDepartmentId: department((v as { defaultDepartmentId?: unknown }).defaultDepartmentId),
    }),
    save: (sql, actor, v) => {
      const parsed = routingBody.safeParse(v);
      if (!parsed.success) return failure(400, "archive_setting", "the routing is not valid here");
      return routing.saveRouting(sql, actor, parsed.data);
    },
  },
  bot: {
    out: botConfig.botSettingsWithoutSecrets,
    fault: (v) => issueOf(botSettings.safeParse(v), "bot"),
    // This site's own secrets (an archive has none); the lead emails of departments it knows.
    here: (sql, v, department) => {
      const bot = botConfig.botSettingsWithSecretsOf(sql, v) as { leads?: { departmentEmails?: unknown } };
      const emails = bot.leads?.departmentEmails;
      if (!emails || typeof emails !== "object") return bot;
      const byId = Object.fromEntries(
        Object.entries(emails).flatMap(([id, email]) => {
          const here = department(id);
          return here ? [[here, email]] : [];
        }),
      );
      return { ...bot, leads: { ...bot.leads, departmentEmails: byId } };
    },
    warning: (sql, v) =>
      (v as { leads?: { webhookUrl?: unknown } } | null)?.leads?.webhookUrl &&
      !botConfig.readBotSettings(sql).leads.webhookSecret
        ? {
            key: "bot.leads.webhookSecret",
            resolution:
              "secrets are not in archives: the lead webhook is sent unsigned until leads.webhookSecret is set again in the bot's settings",
          }
        : null,
    save: (sql, actor, v) => botConfig.saveBotSettings(sql, actor, v),
  },
  bot_scenario: {
    // Its departments are checked at the commit, once the archive's are written.
    fault: (v) => {
      const checked = validateScenario(v);
      return checked.ok ? null : checked.message;
    },
    here: (_sql, v, department) => scenarioHere(v, department),
    save: (sql, actor, v) => botConfig.saveScenario(sql, actor, v),
  },
  appointments: {
    fault: (v) => issueOf(appointmentSettings.safeParse(v), "appointments"),
    save: (sql, actor, v) => appointments.saveAppointmentSettings(sql, actor, v),
  },
  retention: {
    fault: (v) =>
      retentionOf(v) === undefined
        ? `months are a whole number from 1 to ${retention.MAX_RETENTION_MONTHS}, or null`
        : null,
    warning: (sql, v) => {
      const months = retentionOf(v);
      const here = retention.retentionMonths(sql);
      return typeof months === "number" && (here === null || months < here)
        ? {
            key: "retention",
            resolution:
              "the archive keeps conversations for fewer months: older ones, this site's own included, are erased at the next daily run",
          }
        : null;
    },
    save: (sql, actor, v) => {
      const months = retentionOf(v);
      if (months === undefined) return failure(400, "archive_setting", "the retention is not valid here");
      retention.saveRetention(sql, actor, months);
      return null;
    },
  },
  greetings: {
    fault: (v) => issueOf(greetingRules.safeParse({ rules: v }), "greetings"),
    save: (sql, actor, v) => {
      const parsed = greetingRules.safeParse({ rules: v });
      if (!parsed.success) return failure(400, "archive_setting", "the greetings are not valid here");
      return saveGreetingRules(sql, actor, parsed.data.rules);
    },
  },
} satisfies Record<string, SettingRule>;

export type ArchivedSetting = keyof typeof RULES;

/** Settings keys that travel, in the archive's order: everything a shop owner set, never a secret or the site's identity. */
export const ARCHIVED_SETTINGS = Object.keys(RULES) as ArchivedSetting[];

export function isArchivedSetting(key: string): key is ArchivedSetting {
  return Object.hasOwn(RULES, key);
}

/** The stored value as it goes into an archive. */
export function settingOut(key: ArchivedSetting, value: unknown): unknown {
  const rule: SettingRule = RULES[key];
  return rule.out ? rule.out(value) : value;
}

/** Why an archive's setting would be refused here, or null. */
export function settingFault(key: ArchivedSetting, value: unknown): string | null {
  return RULES[key].fault(value);
}

/** What the owner should know before the archive's setting replaces this site's, or null. */
export function settingWarning(
  sql: SqlStorage,
  key: ArchivedSetting,
  value: unknown,
): { key: string; resolution: string } | null {
  const rule: SettingRule = RULES[key];
  return rule.warning ? rule.warning(sql, value) : null;
}

/** Saves an archive's setting as this site takes it; a failure says why it was refused. */
export function saveArchivedSetting(
  sql: SqlStorage,
  actor: audit.Actor,
  key: ArchivedSetting,
  value: unknown,
  department: DepartmentHere,
): Failure | null {
  const rule: SettingRule = RULES[key];
  const here = rule.here && value && typeof value === "object" ? rule.here(sql, value, department) : value;
  const result = rule.save(sql, actor, here);
  if (result && typeof result === "object" && "error" in result)
    return failure(
      400,
      "archive_setting",
      `the archive's ${key} setting is not valid here: ${(result as Failure).error.message}`,
    );
  return null;
}
