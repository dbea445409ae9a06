/**
 * The admin tab's alerts in Chromium against the real Worker: a returning visitor's message
 * in an existing conversation chimes and shows a desktop notification (not only a new
 * conversation does); nothing for the conversation the operator is looking at in a focused
 * tab; the operator's choices (sound off, an event off) are kept on the server and obeyed.
 * Desktop notifications are observed by replacing `Notification`; the chime by counting the
 * Web Audio oscillators it starts (two per chime).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "./support/server";
import { AdminPage } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { apiVisitor, type ApiVisitor } from "./admin-support/visitor-api";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
const visitors: ApiVisitor[] = [];

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.context.grantPermissions(["notifications"], { origin: server.url });
  await owner.page.addInitScript(() => {
    const w = window as any;
    w.__notes = [];
    w.__oscillators = 0;
    w.__focused = false;
    w.Notification = class {
      static permission = "granted";
      static requestPermission = async () => "granted";
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        w.__notes.push(`${title} | ${options?.body ?? ""}`);
      }
      close() {}
    };
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.__oscillators++;
      return create.call(this);
    };
    // The test says whether the tab is in front, as a person switching windows would.
    document.hasFocus = () => w.__focused;
  });
  await owner.page.reload();
  await owner.login("demo", server.owner.email, server.owner.password);
});

afterAll(async () => {
  for (const v of visitors) v.close();
  await browser?.close();
  await server?.stop();
});

const notes = () => owner.page.evaluate(() => (window as any).__notes as string[]);
const chimes = () => owner.page.evaluate(() => (window as any).__oscillators / 2);
const focus = (on: boolean) => owner.page.evaluate((v) => ((window as any).__focused = v), on);

async function visitor(body: Record<string, unknown>): Promise<ApiVisitor> {
  const v = await apiVisitor(server.url, "demo", body);
  visitors.push(v);
  return v;
}

describe("admin alerts", () => {
  it("chimes and notifies for a returning visitor's message in an existing conversation", async () => {
    const first = await visitor({ trail: {} });
    await first.say("Do you have the boots in 42?");
    await owner.row(first.conversationId).waitFor();
    await expect.poll(notes).toHaveLength(1);
    expect((await notes())[0]).toMatch(/^New conversation: /);
    await expect.poll(chimes).toBe(1);

    // The visitor leaves and comes back later to the same conversation.
    first.close();
    const back = await visitor({ visitorToken: first.visitorToken, trail: {} });
    expect(back.conversationId).toBe(first.conversationId);
    await back.say("I'm back: is the order shipped?");
    await expect.poll(notes).toHaveLength(2);
    expect((await notes())[1]).toMatch(/ wrote \| I'm back: is the order shipped\?$/);
    await expect.poll(chimes).toBe(2);
  });

  it("stays quiet for the conversation the operator is looking at in a focused tab", async () => {
    const v = visitors.at(-1)!;
    await owner.openConversation(v.conversationId);
    await focus(true);
    await v.say("still there?");
    await owner.thread().filter({ hasText: "still there?" }).waitFor();
    await owner.page.waitForTimeout(500);
    expect(await notes()).toHaveLength(2);
    expect(await chimes()).toBe(2);

    // Another conversation chimes even in a focused tab (the desktop notification waits for the background).
    const other = await visitor({ trail: {} });
    await other.say("hello from another page");
    await expect.poll(chimes).toBe(3);
    expect(await notes()).toHaveLength(2);
    await focus(false);
  });

  it("obeys the operator's choices, kept on the server: sound off, one kind of news off", async () => {
    await owner.page.goto(`${server.url}/admin/settings/notifications`);
    const screen = owner.page.locator("ec-settings-notifications");
    await screen.locator('input[name="sound"]').uncheck();
    await expect.poll(async () => (await owner.api("GET", "/notifications")).body.alerts.sound).toBe(false);
    await screen.locator('input[name="event-departmentMessages"]').uncheck();
    await expect
      .poll(async () => (await owner.api("GET", "/notifications")).body.alerts.events.departmentMessages)
      .toBe(false);
    await owner.page.reload();
    await expect(screen.locator('input[name="sound"]').isChecked()).resolves.toBe(false);

    const before = { notes: (await notes()).length, chimes: await chimes() };
    const v = await visitor({ trail: {} });
    await v.say("a new one");
    await expect.poll(notes).toHaveLength(before.notes + 1);
    // An unassigned conversation's next message is news this operator turned off.
    await v.say("a second line");
    await owner.page.waitForTimeout(1000);
    expect(await notes()).toHaveLength(before.notes + 1);
    expect(await chimes()).toBe(before.chimes);
    await owner.api("PUT", "/notifications", { alerts: { sound: true, events: { departmentMessages: true } } });
  });
});
