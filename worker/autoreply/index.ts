/**
 * Auto-replies by timezone-aware schedules: pure functions, no Durable Object, no I/O.
 * Settings and periods: `schema.ts`; which period and the next opening: `schedule.ts`;
 * the return time in words: `format.ts`; which reply: `rules.ts`.
 */
export {
  autoReplySettings,
  previewRequest,
  schedule as scheduleSchema,
  LUNCH_MAX_MINUTES,
  MAX_RULES,
  OFF_PERIODS,
  TEMPLATE_VARIABLES,
  validateAutoReplySettings,
  WORK,
  type AutoReplySettings,
  type AutoReplySettingsInput,
  type Exception,
  type Interval,
  type PreviewRequest,
  type Rule,
  type Schedule,
  type ValidationResult,
  type Variant,
} from "./schema";
export { DEFAULT_TIMEZONE, defaultAutoReplySettings } from "./defaults";
export { activePeriod, isNeverOpen, LOOKAHEAD_DAYS, nextOpening, openMsBetween, type ActivePeriod } from "./schedule";
export { formatNextOpening, normalizeLocale, pickTimezone, type Locale } from "./format";
export {
  chooseReply,
  NO_OPENING,
  previewAutoReply,
  renderTemplate,
  scheduleFor,
  urlMatches,
  withinQuietWindow,
  type Preview,
  type PreviewInput,
  type Reply,
  type ReplyContext,
  type TemplateValues,
} from "./rules";
export { isValidTimezone } from "./zone";
