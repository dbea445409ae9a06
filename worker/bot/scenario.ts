/**
 * Scenario checks that need the whole list of steps, and the text of a step in the
 * visitor's language. Pure: the Site calls `validateScenario` on save, the Conversation
 * walks the saved steps.
 */
import {
  scenario as scenarioSchema,
  STEP_TYPES,
  type LocalText,
  type Scenario,
  type ScenarioStep,
} from "../protocol/bot";
import { describeIssues, issueFields } from "../protocol/bodies";

export type ScenarioCheck = { ok: true; value: Scenario } | { ok: false; field: string; message: string };

/**
 * The scenario, or the first thing wrong with it, naming the step: an unknown step type, a
 * step without what its type needs, a target that does not exist, a cycle, a step no path
 * from `start` reaches.
 */
export function validateScenario(input: unknown): ScenarioCheck {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const [field = "scenario"] = Object.keys(issueFields(parsed.error));
    return { ok: false, field, message: describeIssues(parsed.error) };
  }
  const value = parsed.data;
  const byId = new Map<string, ScenarioStep>();
  for (const [i, step] of value.steps.entries()) {
    if (byId.has(step.id)) return fail(i, "id", `step "${step.id}" is defined twice`);
    byId.set(step.id, step);
  }
  for (const [i, step] of value.steps.entries()) {
    const wrong = stepProblem(step, byId);
    if (wrong) return fail(i, wrong.field, `step "${step.id}": ${wrong.message}`);
  }
  if (!byId.has(value.start)) return { ok: false, field: "start", message: `start: no step "${value.start}"` };
  const cycle = findCycle(value.start, byId);
  if (cycle)
    return fail(
      value.steps.findIndex((s) => s.id === cycle[0]),
      "next",
      `steps form a cycle: ${cycle.join(" → ")}`,
    );
  const reached = reachable(value.start, byId);
  const lost = value.steps.findIndex((s) => !reached.has(s.id));
  if (lost >= 0) return fail(lost, "id", `step "${value.steps[lost]!.id}" cannot be reached from "${value.start}"`);
  return { ok: true, value };
}

/** The steps a step leads to: its `next` and its buttons' targets. */
export function targetsOf(step: ScenarioStep): string[] {
  const out = step.next ? [step.next] : [];
  for (const b of step.buttons ?? []) if (b.action === "goto" && b.target) out.push(b.target);
  return out;
}

/** A step's text in the visitor's language (English when that one is missing). */
export function localized(text: LocalText | undefined, lang: "en" | "ru"): string {
  if (text === undefined) return "";
  return typeof text === "string" ? text : ((lang === "ru" ? text.ru : undefined) ?? text.en);
}

function stepProblem(step: ScenarioStep, byId: Map<string, ScenarioStep>): { field: string; message: string } | null {
  if (!(STEP_TYPES as readonly string[]).includes(step.type)) {
    return { field: "type", message: `unknown step type "${step.type}"; use one of ${STEP_TYPES.join(", ")}` };
  }
  if (step.type !== "handoff" && step.type !== "end" && step.text === undefined)
    return { field: "text", message: "needs a text" };
  if (step.type === "buttons" && !step.buttons?.length)
    return { field: "buttons", message: "a buttons step needs at least one button" };
  if (step.type === "field" && !step.field)
    return { field: "field", message: "a field step needs a field (name, phone, email, text)" };
  if ((step.type === "message" || step.type === "field" || step.type === "booking") && !step.next) {
    return { field: "next", message: `a ${step.type} step needs a next step` };
  }
  if ((step.type === "end" || step.type === "handoff" || step.type === "buttons") && step.next) {
    return { field: "next", message: `a ${step.type} step has no next step` };
  }
  for (const [b, button] of (step.buttons ?? []).entries()) {
    if (button.action === "goto" && !button.target)
      return { field: `buttons.${b}.target`, message: `button ${b + 1} needs a target step` };
    if (button.action === "department" && !button.department) {
      return { field: `buttons.${b}.department`, message: `button ${b + 1} needs a department` };
    }
  }
  for (const target of targetsOf(step)) {
    if (!byId.has(target)) return { field: "next", message: `leads to "${target}", which is not a step` };
  }
  return null;
}

/** A path from `start` back to a step on it, or null. */
function findCycle(start: string, byId: Map<string, ScenarioStep>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    if (done.has(id)) return null;
    path.push(id);
    for (const next of targetsOf(byId.get(id)!)) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    done.add(id);
    return null;
  };
  return visit(start);
}

function reachable(start: string, byId: Map<string, ScenarioStep>): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length)
    for (const next of targetsOf(byId.get(queue.shift()!)!)) if (!seen.has(next)) seen.add(next), queue.push(next);
  return seen;
}

function fail(index: number, field: string, message: string): ScenarioCheck {
  return { ok: false, field: `steps.${index}.${field}`, message };
}
