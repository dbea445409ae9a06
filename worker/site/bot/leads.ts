/**
 * Lead cards (`leads`): the fields a scenario asked for, one card per conversation, saved
 * on the contact as they come; when the scenario ends the card is complete and goes to
 * every delivery target the owner set (./delivery.ts). CSV export for sales.
 */
import { csvLine } from "../../bot/csv";
import { randomHex } from "../../lib/crypto";
import type { Lead } from "../../protocol/bot";
import { saveContact } from "../contacts";
import type { SiteHost } from "../host";
import { startDeliveries } from "./delivery";
import { enrich } from "./gravatar";

type Row = {
  id: string;
  conversation_id: string;
  visitor_id: string;
  department: string | null;
  fields: string;
  enrichment: string | null;
  status: Lead["status"];
  created_at: number;
  completed_at: number | null;
};

/** Who the card is about. */
export interface LeadSubject {
  conversationId: string;
  visitorId: string;
  department: string | null;
}

/** Adds one field to the conversation's card (made on the first) and to the contact. */
export function saveLeadField(sql: SqlStorage, who: LeadSubject, key: string, value: string, now = Date.now()): Lead {
  const lead = leadOf(sql, who.conversationId);
  const fields = { ...(lead?.fields ?? {}), [key]: value };
  sql.exec(
    `INSERT INTO leads (id, conversation_id, visitor_id, department, fields, status, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?)
     ON CONFLICT (conversation_id) DO UPDATE SET fields = excluded.fields, department = COALESCE(excluded.department, department)`,
    lead?.id ?? `ld_${randomHex(6)}`,
    who.conversationId,
    who.visitorId,
    who.department,
    JSON.stringify(fields),
    now,
  );
  if (key === "name" || key === "email" || key === "phone") saveContact(sql, who.visitorId, { [key]: value }, now);
  return leadOf(sql, who.conversationId)!;
}

/** Marks the card complete (once) and starts its deliveries; null without a card. */
export async function completeLead(host: SiteHost, who: LeadSubject, now = Date.now()): Promise<Lead | null> {
  const lead = leadOf(host.sql, who.conversationId);
  if (!lead || lead.status === "complete") return lead;
  // Enriched first, so a card that says "complete" has all it will have.
  if (lead.fields.email) await enrich(host, lead.id, lead.fields.email);
  host.sql.exec(
    "UPDATE leads SET status = 'complete', completed_at = ?, department = COALESCE(?, department) WHERE id = ? AND status = 'open'",
    now,
    who.department,
    lead.id,
  );
  await startDeliveries(host, lead.id);
  return leadById(host.sql, lead.id);
}

/** The conversation's card, or null. */
export function leadOf(sql: SqlStorage, conversationId: string): Lead | null {
  const row = sql.exec<Row>("SELECT * FROM leads WHERE conversation_id = ?", conversationId).toArray()[0];
  return row ? toLead(row) : null;
}

/** A card by id, or null. */
export function leadById(sql: SqlStorage, id: string): Lead | null {
  const row = sql.exec<Row>("SELECT * FROM leads WHERE id = ?", id).toArray()[0];
  return row ? toLead(row) : null;
}

/** Cards, newest first. */
export function listLeads(sql: SqlStorage, limit = 200): Lead[] {
  return sql
    .exec<Row>("SELECT * FROM leads ORDER BY created_at DESC LIMIT ?", Math.min(limit, 1000))
    .toArray()
    .map(toLead);
}

export const LEAD_COLUMNS = [
  "id",
  "created_at",
  "completed_at",
  "status",
  "department",
  "conversation_id",
  "name",
  "phone",
  "email",
  "fields",
] as const;

/** Every card as CSV: the usual fields in their own columns, all of them as JSON in the last. */
export function leadsCsv(sql: SqlStorage): string {
  const rows = sql.exec<Row>("SELECT * FROM leads ORDER BY created_at").toArray().map(toLead);
  const iso = (t: number | null) => (t ? new Date(t).toISOString() : "");
  const lines = rows.map((l) =>
    csvLine([
      l.id,
      iso(l.createdAt),
      iso(l.completedAt),
      l.status,
      l.department,
      l.conversationId,
      l.fields.name,
      l.fields.phone,
      l.fields.email,
      JSON.stringify(l.fields),
    ]),
  );
  return `${[csvLine(LEAD_COLUMNS), ...lines].join("\r\n")}\r\n`;
}

function toLead(r: Row): Lead {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    visitorId: r.visitor_id,
    department: r.department,
    fields: JSON.parse(r.fields),
    enrichment: r.enrichment ? JSON.parse(r.enrichment) : null,
    status: r.status,
    createdAt: r.created_at,
    completedAt: r.completed_at,
  };
}
