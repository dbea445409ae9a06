/**
 * The wire contract between the widget, the admin app, the CMS plugins and the Worker, in
 * one folder that depends on nothing else in the server: limits (no library), socket frames,
 * HTTP bodies, settings, and the types of what the server sends. Browser bundles import
 * only types and ./limits from here. `docs/api.md` says the same for people.
 */
export * from "./limits";
export * from "./frames";
export * from "./bodies";
export * from "./settings";
export * from "./notify";
export * from "./bot";
export * from "./engage";
export type * from "./types";
export type * from "./email";
// The auto-reply settings body is validated by the auto-reply module's own schema (it needs
// the schedule maths to check overlaps); its types are part of the contract all the same.
export type { AutoReplySettings, Exception, Interval, Rule, Schedule, Variant } from "../autoreply/schema";
