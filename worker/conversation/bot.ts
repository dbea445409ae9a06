/**
 * The bot in a conversation, always off the message path (deferred by the object): it
 * answers a visitor's question from the site's knowledge base when it is sure enough (and
 * stays silent otherwise, leaving the wait to operators and auto-replies), asks "did this
 * help?", runs the greeting scenario step by step (buttons, fields for the lead card), and
 * hands the conversation to people. Its own row `bot_state` says where it is.
 */
import { checkField, langOf } from "../bot/fields";
import { localized } from "../bot/scenario";
import { APPOINTMENT_TEXTS, knownZone, slotLabel } from "../site/appointments/texts";
import type { Message, Scenario, ScenarioStep } from "../protocol";
import { activityChanged } from "./activity";
import { automations, knownAutomations } from "./automations";
import { AUTOREPLY_TIMER } from "./autoreply";
import type { ConversationHost } from "./host";
import { buildSummary } from "./summary";

type BotState = {
  step: string | null;
  feedback_seq: number | null;
  feedback_entry: string | null;
  greeted: number;
  handoff_at: number | null;
};
type Refusal = { code: "stale_step" | "bad_frame"; message: string };

/** What this conversation learnt from its Site about the bot's scenario, while the object is awake. */
type Known = {
  scenario: Scenario | null;
  name?: string;
  locale?: string;
};
const known = new WeakMap<ConversationHost, Known>();

/**
 * Whether a visitor's message may be the bot's to answer, from what is in memory alone: on
 * the message path, so that a conversation people answer, or a site with the bot off,
 * costs no read, promise or deferred work per message.
 */
export function mayAnswer(host: ConversationHost, message: Message): boolean {
  const state = host.store.state();
  if (!state || message.channel === "email" || message.meta?.button) return false;
  if (state.last_operator_at !== null || state.assignee) return false;
  const on = knownAutomations(host);
  return !on || on.faq || on.scenario;
}

/**
 * After a visitor's chat message that `mayAnswer` let through: a scenario field's value, or a
 * question for the knowledge base.
 */
export async function afterVisitorMessage(host: ConversationHost, message: Message): Promise<void> {
  const on = await automations(host);
  if (!on.faq && !on.scenario) return;
  const state = host.store.state()!;
  const bot = botState(host);
  if (bot.handoff_at !== null || state.last_operator_at !== null || state.assignee) return;
  if (bot.step && on.scenario) {
    const step = (await scenarioOf(host))?.steps.find((s) => s.id === bot.step);
    // A line sent just before this one may have answered the step while the scenario was read.
    if (botState(host).step !== bot.step) return;
    if (step?.type === "field") return fieldAnswered(host, step, message.text);
    if (step?.type === "booking" && !state.email) return bookingEmail(host, step, message.text);
  }
  if (!on.faq) return;
  const reply = await host.site().botAnswer(message.text);
  if (!reply || botState(host).handoff_at !== null || host.store.state()!.last_operator_at !== null) return;
  await quietAutoReply(host);
  const posted = host.post({
    author: { kind: "bot", ...(reply.name ? { name: reply.name } : {}) },
    text: reply.match.answer,
    at: Date.now(),
    meta: { bot: "answer", entry: reply.match.id, confidence: reply.match.confidence, feedback: true },
  });
  setBot(host, { feedback_seq: posted.seq, feedback_entry: reply.match.id });
}

/** The visitor opened the chat: the greeting scenario starts once, in a conversation with no messages. */
export async function greet(host: ConversationHost): Promise<void> {
  const state = host.store.state();
  if (!state || host.store.lastSeq() > 0 || botState(host).greeted) return;
  if (!(await automations(host)).scenario) return;
  const greeting = await host.site().botGreeting(state.visitor_id);
  // Read again after asking the Site: a tab may have been greeted meanwhile, a message come,
  // or the conversation been erased (nothing of the greeting is written into the emptied object).
  if (!greeting || !host.store.state() || botState(host).greeted || host.store.lastSeq() > 0) return;
  setBot(host, { greeted: 1 });
  remember(host, greeting);
  await enter(host, greeting.scenario, greeting.scenario.start);
}

/** A `bot` frame: feedback on the last answer, or a button of the current step. A stale one changes nothing. */
export async function onBotFrame(
  host: ConversationHost,
  frame: { action: string; seq?: number; value?: string; step?: string; index?: number },
): Promise<Refusal | null> {
  if (frame.action === "feedback") {
    const bot = botState(host);
    if (frame.seq === undefined || !["yes", "no", "person"].includes(frame.value ?? "")) {
      return { code: "bad_frame", message: "bot feedback needs seq and value yes, no or person" };
    }
    if (frame.seq !== bot.feedback_seq)
      return { code: "stale_step", message: "this answer has had its feedback, or is not the bot's last answer" };
    setBot(host, { feedback_seq: null, feedback_entry: null });
    host.sql.exec(
      "UPDATE bot_state SET feedback_given = feedback_given + 1, feedback_helpful = feedback_helpful + ? WHERE id = 1",
      frame.value === "yes" ? 1 : 0,
    );
    activityChanged(host.sql);
    await host.site().botFeedback(host.id, frame.seq, bot.feedback_entry, frame.value!);
    if (frame.value === "yes")
      return (void say(host, langFor(host) === "ru" ? "Рад был помочь!" : "Glad it helped!", { bot: "thanks" }), null);
    await handOff(host, null);
    return null;
  }
  if (frame.action !== "button" || frame.step === undefined || frame.index === undefined) {
    return { code: "bad_frame", message: "a bot button needs step and index" };
  }
  const scenario = await scenarioOf(host);
  // Read after the scenario, which a woken object asks of its Site: a click sent at once may
  // have taken this step meanwhile, and must not be taken again.
  const bot = botState(host);
  const step = scenario?.steps.find((s) => s.id === frame.step);
  if (scenario && step?.type === "booking" && bot.step === step.id)
    return slotChosen(host, scenario, step, frame.index);
  const button = step?.buttons?.[frame.index];
  if (!scenario || bot.step !== frame.step || step?.type !== "buttons" || !button) {
    return { code: "stale_step", message: `step "${frame.step}" is not the current one; nothing changed` };
  }
  const lang = langFor(host);
  setBot(host, { step: null });
  host.post({
    author: { kind: "visitor" },
    text: localized(button.label, lang),
    at: Date.now(),
    meta: { button: step.id },
  });
  await quietAutoReply(host);
  if (button.action === "goto") await enter(host, scenario, button.target!);
  else await handOff(host, button.action === "department" ? (button.department ?? null) : null);
  return null;
}

/** Runs steps from `id` until one waits for the visitor (buttons, field) or the scenario ends. */
async function enter(host: ConversationHost, scenario: Scenario, id: string): Promise<void> {
  const lang = langFor(host);
  let step: ScenarioStep | undefined = scenario.steps.find((s) => s.id === id);
  for (let hops = 0; step && hops < scenario.steps.length; hops++) {
    const text = localized(step.text, lang);
    if (step.type === "buttons") {
      setBot(host, { step: step.id });
      return void say(host, text, {
        bot: "step",
        step: step.id,
        buttons: step.buttons!.map((b) => localized(b.label, lang)),
      });
    }
    if (step.type === "field") {
      setBot(host, { step: step.id });
      return void say(host, text, { bot: "step", step: step.id, field: step.field });
    }
    if (step.type === "handoff") return handOff(host, step.department ?? null, text || undefined);
    if (step.type === "booking") {
      if (await offerSlots(host, step, text)) return;
      step = scenario.steps.find((s) => s.id === step!.next);
      continue;
    }
    if (text) say(host, text, { bot: "step", step: step.id });
    if (step.type === "end") {
      setBot(host, { step: null });
      return void (await finishLead(host));
    }
    // A message: say it and go on.
    step = scenario.steps.find((s) => s.id === step!.next);
  }
}

async function fieldAnswered(host: ConversationHost, step: ScenarioStep, raw: string): Promise<void> {
  const state = host.store.state()!;
  const checked = checkField(step.field!, raw, langFor(host));
  if ("error" in checked) return void say(host, checked.error, { bot: "invalid", step: step.id, field: step.field });
  await answeringStep(host, step, async () => {
    await quietAutoReply(host);
    const key = step.field === "text" ? (step.key ?? "comment") : step.field!;
    await host.site().botLeadField(subject(host), key, checked.value);
    if (key === "email" && !state.email) host.store.update({ email: checked.value, ask_email: 0 });
    if (key === "name" && !state.visitor_name) host.store.update({ visitor_name: checked.value });
    const scenario = await scenarioOf(host);
    if (scenario && step.next) await enter(host, scenario, step.next);
  });
}

/**
 * Takes the step for this answer before anything is awaited, so that a second line the
 * visitor sent at once finds it answered (and is not taken as its answer too, asking the
 * next step twice); gives it back when the answer could not be recorded.
 */
async function answeringStep(host: ConversationHost, step: ScenarioStep, answer: () => Promise<void>): Promise<void> {
  setBot(host, { step: null });
  try {
    await answer();
  } catch (err) {
    if (botState(host).step === null) setBot(host, { step: step.id });
    throw err;
  }
}

/**
 * A booking step: asks for the email the confirmation goes to when none is known, then offers
 * the first free slots as buttons, labelled in the visitor's zone and language (the slots'
 * starts ride in the message's meta, so a click books exactly what was shown). False when
 * there is nothing to book (bookings off or no free slot): it said so, the scenario goes on.
 */
async function offerSlots(host: ConversationHost, step: ScenarioStep, intro?: string): Promise<boolean> {
  const state = host.store.state()!;
  const lang = langFor(host);
  const t = APPOINTMENT_TEXTS[lang];
  if (!state.email) {
    setBot(host, { step: step.id });
    say(host, [intro, t.askEmail].filter(Boolean).join("\n"), { bot: "step", step: step.id, field: "email" });
    return true;
  }
  const free = await host.site().freeSlots();
  if ("error" in free || !free.slots.length) {
    setBot(host, { step: null });
    say(host, "error" in free ? t.off : t.none, { bot: "step", step: step.id });
    return false;
  }
  const zone = knownZone(state.timezone, free.timezone);
  const offered = free.slots.slice(0, BOOKING_OFFER);
  setBot(host, { step: step.id });
  say(host, intro || t.pick, {
    bot: "step",
    step: step.id,
    buttons: offered.map((s) => slotLabel(s.start, lang, zone)),
    slots: offered.map((s) => s.start),
  });
  return true;
}

/** How many free slots the booking step offers at once (the bot frame's index allows 8). */
const BOOKING_OFFER = 6;

async function bookingEmail(host: ConversationHost, step: ScenarioStep, raw: string): Promise<void> {
  const checked = checkField("email", raw, langFor(host));
  if ("error" in checked) return void say(host, checked.error, { bot: "invalid", step: step.id, field: "email" });
  await answeringStep(host, step, async () => {
    await quietAutoReply(host);
    host.store.update({ email: checked.value, ask_email: 0 });
    await host.site().botLeadField(subject(host), "email", checked.value);
    await offerSlots(host, step);
  });
}

/** The visitor clicked one of the offered slots: book it, or say why not and offer fresh ones. */
async function slotChosen(
  host: ConversationHost,
  scenario: Scenario,
  step: ScenarioStep,
  index: number,
): Promise<Refusal | null> {
  const last = host.store.last();
  const slots = last?.author.kind === "bot" && last.meta?.step === step.id ? last.meta.slots : undefined;
  const start = Array.isArray(slots) ? slots[index] : undefined;
  const label = Array.isArray(last?.meta?.buttons) ? last.meta.buttons[index] : undefined;
  if (typeof start !== "number" || typeof label !== "string")
    return { code: "stale_step", message: `step "${step.id}" offers no slot ${index}; nothing changed` };
  const state = host.store.state()!;
  const lang = langFor(host);
  const t = APPOINTMENT_TEXTS[lang];
  setBot(host, { step: null });
  host.post({ author: { kind: "visitor" }, text: label, at: Date.now(), meta: { button: step.id } });
  await quietAutoReply(host);
  const booked = await host.site().bookAppointment(
    { visitorId: state.visitor_id, conversationId: host.id },
    {
      start,
      email: state.email!,
      ...(state.visitor_name ? { name: state.visitor_name } : {}),
      lang,
      ...(state.timezone ? { timezone: state.timezone } : {}),
    },
  );
  if ("error" in booked) {
    const code = booked.error.code;
    if (code === "appointments_disabled") {
      say(host, t.off, { bot: "step", step: step.id });
      if (step.next) await enter(host, scenario, step.next);
      return null;
    }
    if (!(await offerSlots(host, step, code === "slot_taken" ? t.taken : t.past)) && step.next)
      await enter(host, scenario, step.next);
    return null;
  }
  say(host, t.done(label, state.email!), { bot: "booked", step: step.id, appointment: booked.appointment.id });
  if (step.next) await enter(host, scenario, step.next);
  return null;
}

/** Marks the conversation for people, routes it, and says honestly when a person answers. */
async function handOff(host: ConversationHost, department: string | null, text?: string): Promise<void> {
  const state = host.store.state()!;
  setBot(host, { step: null, feedback_seq: null, handoff_at: Date.now() });
  await quietAutoReply(host);
  await finishLead(host);
  const routed = await host.site().botHandoff({
    ...subject(host),
    department: department ?? state.department,
    locale: state.locale,
    timezone: state.timezone,
    summary: buildSummary(host.id, host.store),
  });
  host.store.update({ department: routed.department, ...(routed.assignee ? { assignee: routed.assignee } : {}) });
  say(host, text ? `${text}\n${routed.text}` : routed.text, { bot: "handoff" });
  host.changed();
}

/**
 * The bot is talking with the visitor in this wait: the auto-reply would only repeat that
 * nobody is here (a handoff says when a person answers itself).
 */
async function quietAutoReply(host: ConversationHost): Promise<void> {
  await host.timers.cancel(AUTOREPLY_TIMER);
  const wait = host.store.state()!.waiting_since;
  if (wait !== null) host.store.update({ autoreplied_wait: wait });
}

async function finishLead(host: ConversationHost): Promise<void> {
  // Reports count a conversation whose lead card the Site completed as a goal reached.
  if (await host.site().botFinishLead(subject(host))) {
    host.sql.exec("INSERT INTO bot_state (id, lead_done) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET lead_done = 1");
    activityChanged(host.sql);
  }
}

function say(host: ConversationHost, text: string, meta: Record<string, unknown>): Message | undefined {
  if (!text) return undefined;
  const name = known.get(host)?.name;
  return host.post({ author: { kind: "bot", ...(name ? { name } : {}) }, text, at: Date.now(), meta });
}

function subject(host: ConversationHost) {
  const s = host.store.state()!;
  return { conversationId: host.id, visitorId: s.visitor_id, department: s.department };
}

async function scenarioOf(host: ConversationHost): Promise<Scenario | null> {
  const cached = known.get(host);
  if (cached?.scenario !== undefined) return cached.scenario;
  const greeting = await host.site().botGreeting(host.store.state()!.visitor_id);
  remember(host, greeting);
  return greeting?.scenario ?? null;
}

function remember(
  host: ConversationHost,
  greeting: { scenario: Scenario; name?: string; locale: string } | null,
): void {
  known.set(host, {
    scenario: greeting?.scenario ?? null,
    ...(greeting?.name ? { name: greeting.name } : {}),
    ...(greeting ? { locale: greeting.locale } : {}),
  });
}

/** The visitor's language: the conversation's, else what the Site knows of the contact or itself. */
function langFor(host: ConversationHost): "en" | "ru" {
  return langOf(host.store.state()!.locale ?? known.get(host)?.locale);
}

function botState(host: ConversationHost): BotState {
  return (
    host.sql
      .exec<BotState>("SELECT step, feedback_seq, feedback_entry, greeted, handoff_at FROM bot_state WHERE id = 1")
      .toArray()[0] ?? { step: null, feedback_seq: null, feedback_entry: null, greeted: 0, handoff_at: null }
  );
}

function setBot(host: ConversationHost, patch: Partial<BotState>): void {
  const next = { ...botState(host), ...patch };
  host.sql.exec(
    `INSERT INTO bot_state (id, step, feedback_seq, feedback_entry, greeted, handoff_at) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET step = excluded.step, feedback_seq = excluded.feedback_seq,
       feedback_entry = excluded.feedback_entry, greeted = excluded.greeted, handoff_at = excluded.handoff_at`,
    next.step,
    next.feedback_seq,
    next.feedback_entry,
    next.greeted,
    next.handoff_at,
  );
  activityChanged(host.sql);
}
