/**
 * The admin's auto-reply, email, outbox, transcript and data-rights screens in Chromium
 * against the real Worker: the owner closes today with a rule of their own, sees the
 * server's field message beside the wrong input, saves, previews; a visitor on /demo/ gets
 * that reply and leaves an email; the follow-up of the operator's answer is in the Outbox;
 * a transcript is sent; a contact is erased only with the right confirmation; a secret is
 * rotated and shown once; an archive is checked before an import, listing who could then
 * sign in; an admin demoted to operator gets the server's 403 and then
 * sees the screens no more. Screenshots of each screen at desktop and phone size.
 */
import { createHash } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import { AdminPage, DESKTOP, PHONE, eventually } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor, identityHash, type ApiVisitor } from "./admin-support/visitor-api";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let conversationId: string;
let anonymous: ApiVisitor;
const EMAIL = "kettle.fan@example.com";
const ANSWER = "Yes, the blue kettle is in stock.";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** "today/tomorrow/on Weekday at 05:00" for tomorrow 10:00 UTC, seen from New York now. */
function expectedInNewYork(): string {
  const opening = new Date(`${day(1)}T10:00:00Z`);
  const nyDate = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(d);
  const days = Math.round((Date.parse(nyDate(opening)) - Date.parse(nyDate(new Date()))) / 86_400_000);
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: "America/New_York",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(opening);
  const weekday = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "long" }).format(opening);
  return days === 0 ? `today at ${time}` : days === 1 ? `tomorrow at ${time}` : `on ${weekday} at ${time}`;
}

/** Screenshots the page at desktop, then phone size (then back to desktop); `top` scrolls the settings screen up first. */
async function shoot(admin: AdminPage, name: string, top = false): Promise<void> {
  const scrollUp = () =>
    admin.page.evaluate(() =>
      document
        .querySelector("ec-app")
        ?.shadowRoot?.querySelector("ec-settings")
        ?.shadowRoot?.querySelector(".screen")
        ?.scrollTo(0, 0),
    );
  if (top) await scrollUp();
  await admin.screenshot(`${name}-desktop`);
  await admin.page.setViewportSize(PHONE);
  if (top) await scrollUp();
  await admin.screenshot(`${name}-phone`);
  await admin.page.setViewportSize(DESKTOP);
}

async function openSettings(admin: AdminPage, screen: string) {
  await admin.page.goto(`${server.url}/admin/settings/${screen}`);
  const el = admin.page.locator(`ec-settings-${screen}`);
  await el.locator("h2").waitFor();
  return el;
}

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
});

afterAll(async () => {
  anonymous?.close();
  await browser?.close();
  await server?.stop();
});

describe("admin screens", () => {
  it("closes today with a rule of the owner's own; the server's field message shows beside the input; the preview tells the saved reply", async () => {
    const screen = await openSettings(owner, "autoreplies");
    const field = (path: string) => screen.locator(`[id="${path}"]`);
    await field("schedule.timezone").fill("UTC");
    // An afternoon that ends before it starts, not marked overnight.
    await field("schedule.week.mon.1.from").fill("18:00");
    await field("schedule.week.mon.1.to").fill("09:00");

    await screen.locator("button", { hasText: "Add a date" }).click();
    await screen.locator("button", { hasText: "Add a date" }).click();
    expect(await field("schedule.exceptions.0.date").inputValue()).toBe(day(0));
    expect(await field("schedule.exceptions.1.date").inputValue()).toBe(day(1));
    await field("schedule.exceptions.1.closed").selectOption("hours");
    await field("schedule.exceptions.1.intervals.0.from").fill("10:00");
    await field("schedule.exceptions.1.intervals.0.to").fill("18:00");

    await screen.locator("button", { hasText: "Add a rule" }).click();
    await field("rules.2.name").fill("Closed today");
    await field("rules.2.variants.0.when.emailKnown").selectOption("false");
    await field("rules.2.variants.0.text").fill("We are closed today. A human answers {nextOpening}.");
    await screen.locator('[data-field="rules.2.variants"] button.add').click();
    await field("rules.2.variants.1.when.emailKnown").selectOption("true");
    await field("rules.2.variants.1.text").fill("We are closed today. A human answers {nextOpening}, by email too.");
    // First matching rule wins: move it above the two default rules, by keyboard.
    await screen.locator('[data-field="rules.2"] > .tools > .up').focus();
    await owner.page.keyboard.press("Enter");
    await owner.page.keyboard.press("Enter");
    expect(await field("rules.0.name").inputValue()).toBe("Closed today");
    await field("quietAfterOperatorMinutes").fill("0");
    await screen.locator("ec-autoreply-preview .warn").waitFor();

    await screen.locator(".save-bar button.primary").click();
    const row = screen.locator('[data-field="schedule.week.mon.1"]');
    await expect.poll(() => row.locator(".field-error").textContent()).toBe("ends before it starts; mark it overnight");
    expect(await field("schedule.week.mon.1.to").getAttribute("aria-invalid")).toBe("true");
    expect(await field("schedule.week.mon.1.to").getAttribute("aria-describedby")).toBe("err-schedule.week.mon.1.to");
    expect(await screen.evaluate((el) => el.shadowRoot?.activeElement?.id)).toBe("schedule.week.mon.1.to");

    await field("schedule.week.mon.1.from").fill("14:00");
    await field("schedule.week.mon.1.to").fill("18:00");
    await screen.locator(".save-bar button.primary").click();
    await screen.locator(".save-bar .ok", { hasText: "Saved" }).waitFor();
    expect(await screen.locator(".field-error").count()).toBe(0);
    await expect.poll(() => screen.locator("ec-autoreply-preview .warn").count()).toBe(0);
    const saved = (await owner.api("GET", "/autoreply")).body.settings;
    expect(saved.rules.map((r: any) => r.name)).toEqual(["Closed today", "Working hours", "Off hours"]);
    expect(saved.schedule.exceptions).toEqual([
      { date: day(0), closed: true },
      { date: day(1), intervals: [{ from: "10:00", to: "18:00" }] },
    ]);

    const preview = screen.locator("ec-autoreply-preview");
    await preview.locator("#p-zone").fill("America/New_York");
    await preview.locator("#p-lang").selectOption("en");
    await preview.locator("#p-email").setChecked(false);
    await preview.locator("button.primary").click();
    await expect
      .poll(() => preview.locator("dd.text").textContent())
      .toBe(`We are closed today. A human answers ${expectedInNewYork()}.`);
    expect(await preview.locator("dd.rule").textContent()).toBe("Closed today");
    expect(await preview.locator("dd.period").textContent()).toBe("Holiday");
    expect(await preview.locator("dd.next time").getAttribute("datetime")).toBe(`${day(1)}T10:00:00.000Z`);
    expect(await preview.locator("dd.next").textContent()).toContain("(America/New_York)");
    await owner.screenshot("admin-screens-autoreplies-preview-desktop");
    await shoot(owner, "admin-screens-autoreplies", true);
  });

  it("gives a visitor on /demo/ that auto-reply; the visitor leaves an email", async () => {
    // Nobody at the admin: with an operator online outside hours the visitor waits for them first.
    await owner.page.goto(`${server.url}/healthz`);
    const visitor = await Visitor.open(browser, server, "/demo/", { timezoneId: "America/New_York", locale: "en-US" });
    await visitor.openChat();
    await visitor.send("Is the blue kettle still in stock?");
    const reply = `We are closed today. A human answers ${expectedInNewYork()}.`;
    await expect
      .poll(() => visitor.texts(), { timeout: 15_000, message: "visitor sees the auto-reply" })
      .toContain(reply);
    const email = visitor.page.locator("edge-chat .contact input");
    await email.fill(EMAIL);
    await email.press("Enter");
    await expect.poll(() => email.count()).toBe(0);
    conversationId = (await visitor.session())!.conversationId;
    await eventually(
      async () =>
        (await owner.api("GET", "/conversations?status=open")).body.conversations.find(
          (c: any) => c.id === conversationId,
        )?.email === EMAIL,
      10_000,
      "the email on the conversation",
    );
    expect(visitor.errors).toEqual([]);
    await visitor.close(); // gone: the operator's answer stays unread, so it is emailed
    await owner.page.goto(`${server.url}/admin/`);
  });

  it("saves the email settings, after the server's message beside a wrong delay", async () => {
    const screen = await openSettings(owner, "email");
    await screen.locator("#followupDelayMinutes").fill("2000");
    await screen.locator("button.primary").click();
    await expect.poll(() => screen.locator(".field-error").textContent()).toBe("between 0 and 1440 minutes");
    expect(await screen.locator("#followupDelayMinutes").getAttribute("aria-invalid")).toBe("true");
    await screen.locator("#followupDelayMinutes").fill("0");
    await screen.locator("#notifyOperators").setChecked(false);
    await screen.locator("button.primary").click();
    await screen.locator(".ok", { hasText: "Saved" }).waitFor();
    expect((await owner.api("GET", "/email-settings")).body.settings).toEqual({
      followupDelayMinutes: 0,
      notifyOperators: false,
    });
    await shoot(owner, "admin-screens-email");
  });

  it("lists the follow-up of the operator's answer in the Outbox, with its text and raw message", async () => {
    await owner.page.goto(`${server.url}/admin/`);
    await owner.openConversation(conversationId);
    await owner.composer().fill(ANSWER);
    await owner.composer().press("Enter");
    await owner.thread().filter({ hasText: ANSWER }).waitFor();

    const screen = await openSettings(owner, "outbox");
    const mail = screen.locator('button.mail[data-kind="followup"]', { hasText: EMAIL });
    await eventually(
      async () => {
        if (await mail.count()) return true;
        await screen.locator("button", { hasText: "Refresh" }).click();
        return false;
      },
      15_000,
      "the follow-up in the outbox",
    );
    expect(await mail.locator(".status").getAttribute("data-status")).toBe("outbox");
    expect(await mail.locator(".status").textContent()).toBe("In the outbox");
    await shoot(owner, "admin-screens-outbox");
    await mail.click();
    await expect.poll(() => screen.locator("pre.text").textContent()).toContain(ANSWER);
    await screen.locator("summary", { hasText: "Raw message" }).click();
    expect(await screen.locator("pre.raw").textContent()).toMatch(/Reply-To: .*reply\+/);
    await shoot(owner, "admin-screens-outbox-message");
    await screen.locator("button.back").click();
    await screen.locator("button.mail").first().waitFor();
  });

  it("sends a transcript from the conversation: to the visitor's email, or to a typed address when there is none", async () => {
    await owner.page.goto(`${server.url}/admin/`);
    await owner.openConversation(conversationId);
    const transcript = owner.page.locator("ec-conversation ec-transcript");
    await transcript.locator("button.open-transcript").click();
    const to = transcript.locator("#transcript-to");
    expect(await to.inputValue()).toBe(EMAIL);
    await to.fill("not-an-email");
    await transcript.locator("dialog button.primary").click();
    await expect.poll(() => transcript.locator(".field-error").textContent()).toBe("not a valid email address");
    await to.fill("");
    await transcript.locator("dialog button.primary").click();
    await transcript.locator(".ok", { hasText: "on its way to the visitor" }).waitFor();
    await owner.screenshot("admin-screens-transcript-desktop");
    await owner.page.keyboard.press("Escape");
    const mails = (await owner.api("GET", "/outbox")).body.messages;
    expect(
      mails.filter((m: any) => m.kind === "transcript" && m.to === EMAIL && m.conversationId === conversationId),
    ).toHaveLength(1);

    anonymous = await apiVisitor(server.url, "demo", { trail: {} });
    await anonymous.say("No email from me");
    await owner.page.setViewportSize(PHONE);
    await owner.page.goto(`${server.url}/admin/c/${anonymous.conversationId}`);
    await owner.page.locator("ec-conversation .thread").waitFor();
    await transcript.locator("button.open-transcript").click();
    await transcript.locator("dialog button.primary").click();
    await expect
      .poll(() => transcript.locator(".field-error").textContent())
      .toBe("The visitor left no email. Type an address to send the transcript to.");
    await owner.screenshot("admin-screens-transcript-phone");
    await to.fill("shop.keeper@example.com");
    await transcript.locator("dialog button.primary").click();
    await transcript.locator(".ok", { hasText: "shop.keeper@example.com" }).waitFor();
    await owner.page.keyboard.press("Escape");
    await owner.page.setViewportSize(DESKTOP);
    const sent = (await owner.api("GET", "/outbox")).body.messages;
    expect(
      sent.some(
        (m: any) =>
          m.kind === "transcript" &&
          m.to === "shop.keeper@example.com" &&
          m.conversationId === anonymous.conversationId,
      ),
    ).toBe(true);
  });

  it("erases a contact only with the right confirmation, and drops the conversation from the inbox", async () => {
    await owner.page.goto(`${server.url}/admin/`);
    await owner.openConversation(conversationId);
    const erase = owner.page.locator("ec-visitor-card ec-erase-contact");
    await erase.locator("button.open-erase").click();
    await erase.locator("#erase-confirm").fill("someone.else@example.com");
    await erase.locator("dialog button.danger").click();
    await expect
      .poll(() => erase.locator(".field-error").textContent())
      .toBe(`That is not ${EMAIL}. Type it exactly to confirm.`);
    expect(await owner.row(conversationId).count()).toBe(1);
    await owner.screenshot("admin-screens-erase-desktop");
    await erase.locator("dialog button", { hasText: "Cancel" }).click();

    await owner.page.setViewportSize(PHONE);
    await owner.page.locator("ec-conversation .card-toggle").click();
    await erase.locator("button.open-erase").click();
    await erase.locator("#erase-confirm").fill(EMAIL.toUpperCase());
    await owner.screenshot("admin-screens-erase-phone");
    await erase.locator("dialog button.danger").click();
    await expect.poll(() => owner.row(conversationId).count()).toBe(0);
    await owner.page.setViewportSize(DESKTOP);
    const all = (await owner.api("GET", "/conversations?status=open")).body.conversations;
    expect(all.some((c: any) => c.id === conversationId)).toBe(false);
    await owner.page.reload();
    await owner.page.locator("ec-inbox-list").waitFor();
    await expect.poll(() => owner.row(anonymous.conversationId).count()).toBe(1);
    expect(await owner.row(conversationId).count()).toBe(0);
  });

  it("keeps conversations 12 months, and rotates the identity secret with a grace period, showing the new one once", async () => {
    const screen = await openSettings(owner, "data");
    await screen.locator("#keep-months").check();
    await screen.locator("#months").fill("500");
    await screen.locator("form button.primary").click();
    await expect.poll(() => screen.locator(".field-error").textContent()).toBe("months is at most 120");
    await screen.locator("#months").fill("12");
    await screen.locator("form button.primary").click();
    await screen.locator(".ok", { hasText: "Saved" }).waitFor();
    expect((await owner.api("GET", "/data/retention")).body.months).toBe(12);

    const identity = screen.locator('section[data-secret="identity"]');
    await identity.locator("#grace-identity").fill("2");
    const before = Date.now();
    await identity.locator("button.rotate").click();
    const secret = await identity.locator(".new code.value").textContent();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(await identity.locator(".new .old").textContent()).toMatch(/^The old one is accepted until /);
    const until = (await owner.api("GET", "/secrets")).body.secrets.identity.previousValidUntil;
    expect(until).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 2 * 3600_000 + 1000);
    await shoot(owner, "admin-screens-data");

    await owner.page.reload();
    await identity.locator(".state").waitFor();
    expect(await identity.locator(".new").count()).toBe(0);
    expect(await identity.locator(".state").textContent()).toContain("The previous one is still accepted until");
    expect(await screen.evaluate((el) => el.shadowRoot!.textContent)).not.toContain(secret!);
  });

  it("checks an archive before importing it: what it holds, and who will be able to sign in here", async () => {
    // This site's own archive, with one more operator, as a backup from another shop might have.
    const archive: string = await owner.page.evaluate(async () => (await fetch("/api/v1/admin/data/export")).text());
    const lines = archive.trimEnd().split("\n").slice(0, -1);
    const operator = {
      id: "op_newcomer",
      email: "newcomer@example.com",
      name: "Nia",
      role: "admin",
      capacity: 5,
      created_at: 1,
    };
    lines.splice(1, 0, JSON.stringify({ kind: "operator", row: operator }));
    const body = lines.map((l) => `${l}\n`).join("");
    const trailer = { kind: "trailer", records: lines.length, sha256: createHash("sha256").update(body).digest("hex") };
    const screen = await openSettings(owner, "data");
    const card = screen.locator("ec-site-archive");
    await card.locator("#archive-file").setInputFiles({
      name: "backup.jsonl",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(`${body}${JSON.stringify(trailer)}\n`),
    });
    await card.locator("button", { hasText: "Check" }).click();
    const accounts = card.locator("ul.accounts li");
    await accounts.first().waitFor({ timeout: 15_000 });
    expect(await accounts.allTextContents()).toEqual(["newcomer@example.com — Admin"]);
    expect(await card.locator("tbody").textContent()).toContain("Operators");
    await shoot(owner, "admin-screens-archive-check");
    // Only checked: nobody new on the team.
    const team = (await owner.api("GET", "/team")).body.operators.map((o: { email: string }) => o.email);
    expect(team).not.toContain("newcomer@example.com");
  });

  it("describes identity-secret rotation with one text on both screens, and the Identity screen rotates as it says", async () => {
    const ROTATION =
      "Rotating makes a new secret and shows it once; the current one is never shown again. The old one keeps working for the hours you choose below (24 unless you change it), so your shop can switch without customers noticing; 0 stops it at once, for a leaked secret.";
    const data = await openSettings(owner, "data");
    const onData = data.locator('section[data-secret="identity"] .rotation');
    await onData.waitFor();
    expect(await onData.textContent()).toBe(ROTATION);
    const identityScreen = await openSettings(owner, "identity");
    const section = identityScreen.locator('section[data-secret="identity"]');
    expect(await section.locator(".rotation").textContent()).toBe(ROTATION);
    // The documented formula reads as code: the separator is the two characters \n, not a line break.
    expect(await identityScreen.locator("pre").textContent()).toContain(
      'HMAC-SHA256(identity secret, userId + "\\n" + email)',
    );
    expect(await identityScreen.textContent()).not.toMatch(/stops working at once|stop working\./);

    // As the text says: the old secret keeps working for the hours chosen here.
    const old = (await owner.api("POST", "/secrets/identity/rotate", { graceHours: 0 })).body.secret;
    await owner.page.reload();
    await section.locator("#grace-identity").fill("1");
    await section.locator("button.rotate").click();
    expect(await section.locator(".new .old").textContent()).toMatch(/^The old one is accepted until /);
    const fresh = await section.locator(".new code.value").textContent();
    const signIn = (secret: string) =>
      fetch(`${server.url}/api/v1/sites/demo/sessions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: "http://localhost:5173" },
        body: JSON.stringify({ identity: { userId: "rot-1", hash: identityHash(secret, "rot-1") } }),
      }).then((r) => r.status);
    expect(await signIn(old)).toBe(200);
    expect(await signIn(fresh!)).toBe(200);
    expect(await signIn("0".repeat(64))).toBe(401);
    await shoot(owner, "admin-screens-identity-rotation");
  });

  it("speaks Russian on the new screens", async () => {
    await owner.page.goto(`${server.url}/admin/settings/autoreplies`);
    await owner.page.locator("ec-app #lang").selectOption("ru");
    const screen = owner.page.locator("ec-settings-autoreplies");
    await screen.locator("h2", { hasText: "Автоответы и часы работы" }).waitFor();
    expect(await screen.locator(".day-name").first().textContent()).toBe("понедельник");
    expect(await owner.page.locator("ec-settings nav a").allTextContents()).toEqual(
      expect.arrayContaining(["Исходящие письма", "Данные и секреты", "Почта"]),
    );
    await owner.screenshot("admin-screens-autoreplies-ru-desktop");
    await owner.page.locator("ec-app #lang").selectOption("en");
    expect(owner.errors).toEqual([]);
    expect(owner.dialogs).toEqual([]);
  });

  it("shows an admin turned operator the server's 403, then no longer offers the screens", async () => {
    expect(
      (await owner.api("POST", "/team/invites", { email: "ada@example.com", name: "Ada", role: "admin" })).status,
    ).toBe(201);
    const link = new URL(await owner.outboxLink("invite", "ada@example.com"));
    const ada = await AdminPage.open(browser, server, link.pathname + link.search, PHONE);
    await ada.page.locator("ec-auth #name").fill("Ada");
    await ada.page.locator("ec-auth #password").fill("ada's long password");
    await ada.page.locator("ec-auth button.primary").click();
    await ada.page.locator("ec-inbox-list").waitFor();

    const screen = await openSettings(ada, "autoreplies");
    await screen.locator('[id="quietAfterOperatorMinutes"]').fill("5");
    const team = (await owner.api("GET", "/team")).body.operators;
    const adaId = team.find((o: any) => o.email === "ada@example.com").id;
    expect((await owner.api("PATCH", `/team/${adaId}`, { role: "operator" })).status).toBe(200);
    await screen.locator(".save-bar button.primary").click();
    await expect.poll(() => screen.locator(".form-error").textContent()).toBe("only owner or admin may do this");
    await ada.screenshot("admin-screens-operator-403-phone");

    await ada.page.reload();
    await ada.page.locator("ec-settings-account").waitFor();
    expect(await ada.page.locator("ec-settings nav a").allTextContents()).toEqual([
      "My sessions",
      "Notifications",
      "Leads",
      "Appointments",
    ]);
    await ada.page.goto(`${server.url}/admin/c/${anonymous.conversationId}`);
    await ada.page.locator("ec-conversation .card-toggle").click();
    const erase = ada.page.locator("ec-visitor-card ec-erase-contact");
    expect(await erase.locator("button").isDisabled()).toBe(true);
    expect(await erase.locator(".hint").textContent()).toBe("Only the owner or an admin can erase a contact.");
    await ada.screenshot("admin-screens-operator-card-phone");
    const refused = await ada.api("POST", `/contacts/${anonymous.visitorId}/erase`, { confirm: anonymous.visitorId });
    expect(refused.status).toBe(403);
    expect(ada.errors).toEqual([]);
    await ada.close();
  });
});
