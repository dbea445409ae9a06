/**
 * Delivering a complete lead card to sales: a generic webhook (JSON, signed with
 * HMAC-SHA256 in `X-Edgechat-Signature`), an email to the department's address, and
 * Bitrix24's `crm.lead.add` through an inbound webhook. Each target is a row of
 * `lead_deliveries` (the admin's delivery log) and a timer; a failure is tried again after
 * 10 s, 20 s, 40 s … up to MAX_DELIVERY_ATTEMPTS, then marked failed.
 */
import { hmacSha256, toHex } from "../../lib/crypto";
import type { Lead, LeadDelivery } from "../../protocol/bot";
import type { SiteHost } from "../host";
import { readBotSettings } from "./config";
import { leadById } from "./leads";

export const LEAD_DELIVERY_TIMER = "lead_delivery";
export const MAX_DELIVERY_ATTEMPTS = 6;
const SENDING_STALE_MS = 60_000;
export const SIGNATURE_HEADER = "X-Edgechat-Signature";
export const TIMESTAMP_HEADER = "X-Edgechat-Timestamp";

type Target = LeadDelivery["target"];
interface DeliveryJob {
  leadId: string;
  target: Target;
}

/** Queues a delivery to every target the settings name, due now. */
export async function startDeliveries(host: SiteHost, leadId: string, now = Date.now()): Promise<Target[]> {
  const lead = leadById(host.sql, leadId);
  if (!lead) return [];
  const targets = targetsFor(host.sql, lead);
  for (const target of targets) {
    host.sql.exec(
      `INSERT INTO lead_deliveries (lead_id, target, status, attempts, at) VALUES (?, ?, 'pending', 0, ?)
       ON CONFLICT (lead_id, target) DO NOTHING`,
      leadId,
      target,
      now,
    );
    await host.timers.set(LEAD_DELIVERY_TIMER, now, { leadId, target } satisfies DeliveryJob, `${leadId}:${target}`);
  }
  return targets;
}

/** The timer's handler: one try; a failure is logged in the row and tried again later. Idempotent. */
export async function runDelivery(host: SiteHost, job: DeliveryJob, now = Date.now()): Promise<void> {
  const row = host.sql
    .exec<{ status: string; attempts: number; at: number }>(
      "SELECT status, attempts, at FROM lead_deliveries WHERE lead_id = ? AND target = ?",
      job.leadId,
      job.target,
    )
    .toArray()[0];
  const lead = leadById(host.sql, job.leadId);
  // One try at a time: an alarm and a retry may overlap; a try lost with the object is retried after SENDING_STALE_MS.
  const stuck = row?.status === "sending" && now - row.at > SENDING_STALE_MS;
  if (!row || (row.status !== "pending" && !stuck) || !lead) return;
  const attempts = row.attempts + 1;
  host.sql.exec(
    "UPDATE lead_deliveries SET status = 'sending', at = ? WHERE lead_id = ? AND target = ?",
    now,
    job.leadId,
    job.target,
  );
  let error: string | null = null;
  try {
    await deliver(host, lead, job.target, now);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const status = error === null ? "delivered" : attempts >= MAX_DELIVERY_ATTEMPTS ? "failed" : "pending";
  host.sql.exec(
    "UPDATE lead_deliveries SET status = ?, attempts = ?, last_error = ?, at = ? WHERE lead_id = ? AND target = ?",
    status,
    attempts,
    error?.slice(0, 500) ?? null,
    now,
    job.leadId,
    job.target,
  );
  if (status === "pending") {
    await host.timers.set(LEAD_DELIVERY_TIMER, now + 10_000 * 2 ** (attempts - 1), job, `${job.leadId}:${job.target}`);
  }
}

/** The delivery log, newest first. */
export function listDeliveries(sql: SqlStorage, limit = 200): LeadDelivery[] {
  return sql
    .exec<{
      lead_id: string;
      target: Target;
      status: LeadDelivery["status"];
      attempts: number;
      last_error: string | null;
      at: number;
    }>("SELECT * FROM lead_deliveries ORDER BY at DESC LIMIT ?", limit)
    .toArray()
    .map((r) => ({
      leadId: r.lead_id,
      target: r.target,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      at: r.at,
    }));
}

/** The body and headers of a signed webhook call: signature = hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export async function signedWebhook(
  lead: Lead,
  secret: string | undefined,
  now: number,
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify({ event: "lead.complete", lead });
  const timestamp = String(Math.floor(now / 1000));
  const headers: Record<string, string> = { "Content-Type": "application/json", [TIMESTAMP_HEADER]: timestamp };
  if (secret) headers[SIGNATURE_HEADER] = `sha256=${toHex(await hmacSha256(secret, `${timestamp}.${body}`))}`;
  return { body, headers };
}

/** Bitrix24's `crm.lead.add` request for a card (https://apidocs.bitrix24.com, crm.lead.add). */
export function bitrixLeadRequest(lead: Lead): { fields: Record<string, unknown>; params: Record<string, string> } {
  const f = lead.fields;
  const { name, phone, email, ...rest } = f;
  const comments = Object.entries(rest)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  return {
    fields: {
      TITLE: `Chat lead${name ? `: ${name}` : ""}`,
      ...(name ? { NAME: name } : {}),
      ...(phone ? { PHONE: [{ VALUE: phone, VALUE_TYPE: "WORK" }] } : {}),
      ...(email ? { EMAIL: [{ VALUE: email, VALUE_TYPE: "WORK" }] } : {}),
      ...(comments ? { COMMENTS: comments } : {}),
      SOURCE_ID: "WEB",
      SOURCE_DESCRIPTION: `Edgechat conversation ${lead.conversationId}`,
    },
    params: { REGISTER_SONET_EVENT: "Y" },
  };
}

function targetsFor(sql: SqlStorage, lead: Lead): Target[] {
  const { leads } = readBotSettings(sql);
  const out: Target[] = [];
  if (leads.webhookUrl) out.push("webhook");
  if (emailFor(leads, lead.department)) out.push("email");
  if (leads.bitrix24Url) out.push("bitrix24");
  return out;
}

function emailFor(leads: ReturnType<typeof readBotSettings>["leads"], department: string | null): string | undefined {
  return (department ? leads.departmentEmails?.[department] : undefined) ?? leads.email;
}

async function deliver(host: SiteHost, lead: Lead, target: Target, now: number): Promise<void> {
  const { leads } = readBotSettings(host.sql);
  if (target === "webhook") {
    if (!leads.webhookUrl) throw new Error("no webhook URL is set any more");
    const { body, headers } = await signedWebhook(lead, leads.webhookSecret, now);
    const res = await fetch(leads.webhookUrl, { method: "POST", headers, body });
    if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
  } else if (target === "bitrix24") {
    if (!leads.bitrix24Url) throw new Error("no Bitrix24 URL is set any more");
    const url = `${leads.bitrix24Url.replace(/\/?$/, "/")}crm.lead.add.json`;
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(bitrixLeadRequest(lead)),
    });
    const answer = (await res.json().catch(() => null)) as {
      result?: unknown;
      error_description?: string;
      error?: string;
    } | null;
    if (!res.ok || !answer || answer.result === undefined) {
      throw new Error(`Bitrix24 answered ${res.status}: ${answer?.error_description ?? answer?.error ?? "no result"}`);
    }
  } else {
    const to = emailFor(leads, lead.department);
    if (!to) throw new Error("no lead email address is set any more");
    const lines = Object.entries(lead.fields).map(([k, v]) => `${k}: ${v}`);
    const admin = `${(host.env.PUBLIC_URL ?? "http://localhost:8787").replace(/\/$/, "")}/admin/c/${lead.conversationId}`;
    const sent = await host.mailer.send({
      kind: "lead",
      to,
      subject: `New lead from the chat${lead.fields.name ? `: ${lead.fields.name}` : ""}`,
      text: `${lines.join("\n")}\n\nConversation: ${admin}\n`,
      conversationId: lead.conversationId,
    });
    if (sent.status === "failed") throw new Error("the email was not sent");
  }
}
