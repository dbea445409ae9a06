import { beforeAll, describe, expect, it } from "vitest";
import {
  createSite,
  eventually,
  login,
  noAutoReplies,
  openSocket,
  startSession,
  visitorSocket,
  type Client,
} from "./helpers";
import { MIN_SUMMARY_GAP_MS } from "../../worker/site/inbox";
import { addOperator, call, expectJson } from "./admin-helpers";

const SITE = "route-shop";
let owner: string;

beforeAll(async () => {
  await createSite(SITE);
  owner = await login(SITE);
});

async function entryOf(id: string, cookie = owner) {
  const list = (await expectJson(call("GET", "/conversations", cookie), 200)).conversations;
  return list.find((e: any) => e.id === id);
}

/** A visitor writes; resolves with the conversation id once the inbox lists it. */
async function visitorWrites(text: string, site = SITE, cookie = owner): Promise<string> {
  const grant = await startSession(site, { trail: {} });
  const tab = await visitorSocket(grant);
  await tab.hello();
  await tab.say(text);
  await eventually(async () => expect(await entryOf(grant.conversationId, cookie)).toBeTruthy());
  return grant.conversationId;
}

describe("round-robin routing", () => {
  it("assigns among online operators of the department within capacity, and queues the rest", async () => {
    const a = await addOperator(SITE, owner, "operator", "Anna");
    const b = await addOperator(SITE, owner, "operator", "Boris");
    const away = await addOperator(SITE, owner, "operator", "Carl");
    await expectJson(call("PATCH", `/team/${a.id}`, owner, { capacity: 1 }), 200);
    await expectJson(call("PATCH", `/team/${b.id}`, owner, { capacity: 2 }), 200);
    const dep = (
      await expectJson(
        call("POST", "/departments", owner, { name: "Support", operatorIds: [a.id, b.id, away.id] }),
        201,
      )
    ).department;
    await expectJson(call("PUT", "/routing", owner, { auto: true, defaultDepartmentId: dep.id }), 200);
    const sockets = [] as Client[];
    for (const op of [a, b]) {
      const s = (await openSocket("/api/v1/admin/ws", { Cookie: op.cookie })) as Client;
      await s.next("inbox");
      sockets.push(s);
    }
    const team = (await expectJson(call("GET", "/team", owner), 200)).operators;
    expect(
      team
        .filter((o: any) => o.online)
        .map((o: any) => o.name)
        .sort(),
    ).toEqual(["Anna", "Boris"]);

    const assignees: string[] = [];
    for (const text of ["one", "two", "three"]) {
      const id = await visitorWrites(text);
      await eventually(async () => expect((await entryOf(id)).assignee).toBeTruthy());
      const entry = await entryOf(id);
      expect(entry.department).toBe(dep.id);
      assignees.push(entry.assignee);
    }
    expect(assignees.filter((x) => x === a.id)).toHaveLength(1);
    expect(assignees.filter((x) => x === b.id)).toHaveLength(2);
    expect(assignees).not.toContain(away.id);
    expect(assignees[0]).not.toBe(assignees[1]); // turns, not the same one twice while both have room

    const queued = await visitorWrites("four");
    await new Promise((r) => setTimeout(r, 300));
    expect((await entryOf(queued)).assignee).toBeNull();

    // Anna resolves hers: she has room again and takes the one that waited.
    const annas = (await expectJson(call("GET", "/conversations?status=open", owner), 200)).conversations.find(
      (e: any) => e.assignee === a.id,
    );
    await expectJson(call("POST", `/conversations/${annas.id}/resolve`, a.cookie), 200);
    await eventually(async () => expect((await entryOf(queued)).assignee).toBe(a.id));
    for (const s of sockets) s.close();
  });

  it("assigns by department on request, and leaves it unassigned when nobody has room", async () => {
    const c = await addOperator(SITE, owner, "operator", "Dora");
    const dep = (await expectJson(call("POST", "/departments", owner, { name: "Returns", operatorIds: [c.id] }), 201))
      .department;
    const id = await visitorWrites("return please");
    const before = (await expectJson(call("POST", `/conversations/${id}/assign`, owner, { departmentId: dep.id }), 200))
      .conversation;
    expect(before).toMatchObject({ assignee: null, department: dep.id }); // Dora is offline
    const s = (await openSocket("/api/v1/admin/ws", { Cookie: c.cookie })) as Client;
    await s.next("inbox");
    const after = (await expectJson(call("POST", `/conversations/${id}/assign`, owner, { departmentId: dep.id }), 200))
      .conversation;
    expect(after).toMatchObject({ assignee: c.id, department: dep.id });
    s.close();
  });
});

describe("routing started by two events at once", () => {
  it("assigns each waiting conversation once when routing is turned on as an operator opens a second tab", async () => {
    const site = "route-together-shop";
    await createSite(site);
    const siteOwner = await login(site);
    await noAutoReplies(siteOwner);
    const a = await addOperator(site, siteOwner, "operator", "Anna");
    const b = await addOperator(site, siteOwner, "operator", "Boris");
    const dep = (
      await expectJson(call("POST", "/departments", siteOwner, { name: "Support", operatorIds: [a.id, b.id] }), 201)
    ).department;
    const sockets = [] as Client[];
    for (const op of [a, b]) {
      const s = (await openSocket("/api/v1/admin/ws", { Cookie: op.cookie })) as Client;
      await s.next("inbox");
      sockets.push(s);
    }
    // Routing is off while four visitors write: all four wait unassigned.
    const ids: string[] = [];
    for (const text of ["one", "two", "three", "four"]) {
      const grant = await startSession(site, { trail: {} });
      const tab = await visitorSocket(grant);
      await tab.hello();
      await tab.say(text);
      ids.push(grant.conversationId);
    }
    const listed = async () =>
      (await expectJson(call("GET", "/conversations", siteOwner), 200)).conversations.filter((e: any) =>
        ids.includes(e.id),
      );
    await eventually(async () => expect(await listed()).toHaveLength(4));

    // Each starts a pass over the queue, and both passes run while the other waits on a conversation.
    const [, tab] = await Promise.all([
      expectJson(call("PUT", "/routing", siteOwner, { auto: true, defaultDepartmentId: dep.id }), 200),
      openSocket("/api/v1/admin/ws", { Cookie: b.cookie }),
    ]);
    sockets.push(tab as Client);
    await eventually(async () => expect((await listed()).every((e: any) => e.assignee)).toBe(true));
    // A change that follows another within the summary gap reaches the inbox after it.
    await new Promise((r) => setTimeout(r, MIN_SUMMARY_GAP_MS + 200));

    // Handed out once each, in turns: two apiece.
    await eventually(async () => {
      const assignees = (await listed()).map((e: any) => e.assignee);
      expect({
        anna: assignees.filter((x: string) => x === a.id).length,
        boris: assignees.filter((x: string) => x === b.id).length,
      }).toEqual({ anna: 2, boris: 2 });
    });
    for (const s of sockets) s.close();
  });
});

describe("routing after a department is deleted", () => {
  it("stops routing to it as the default, and hands its waiting conversations to the team", async () => {
    const site = "route-deleted-dep-shop";
    await createSite(site);
    const siteOwner = await login(site);
    await noAutoReplies(siteOwner);
    const anna = await addOperator(site, siteOwner, "operator", "Anna");
    const away = await addOperator(site, siteOwner, "operator", "Ben");
    const sales = (
      await expectJson(call("POST", "/departments", siteOwner, { name: "Sales", operatorIds: [anna.id] }), 201)
    ).department;
    const returns = (
      await expectJson(call("POST", "/departments", siteOwner, { name: "Returns", operatorIds: [away.id] }), 201)
    ).department;
    await expectJson(call("PUT", "/routing", siteOwner, { auto: true, defaultDepartmentId: sales.id }), 200);
    const s = (await openSocket("/api/v1/admin/ws", { Cookie: anna.cookie })) as Client;
    await s.next("inbox");

    // Waits in Returns, whose only member is away.
    const waiting = await visitorWrites("my parcel came broken", site, siteOwner);
    await eventually(async () => expect((await entryOf(waiting, siteOwner)).assignee).toBe(anna.id));
    await expectJson(
      call("POST", `/conversations/${waiting}/assign`, siteOwner, { operatorId: null, departmentId: returns.id }),
      200,
    );
    await eventually(async () =>
      expect(await entryOf(waiting, siteOwner)).toMatchObject({ assignee: null, department: returns.id }),
    );

    // Both departments go: Settings shows no default, and Anna, online with room, is reachable.
    await expectJson(call("DELETE", `/departments/${sales.id}`, siteOwner), 200);
    expect((await expectJson(call("GET", "/routing", siteOwner), 200)).routing).toEqual({
      auto: true,
      defaultDepartmentId: null,
    });
    const fresh = await visitorWrites("hello?", site, siteOwner);
    await eventually(async () => expect((await entryOf(fresh, siteOwner)).assignee).toBe(anna.id));
    await expectJson(call("DELETE", `/departments/${returns.id}`, siteOwner), 200);
    await eventually(async () =>
      expect(await entryOf(waiting, siteOwner)).toMatchObject({ assignee: anna.id, department: null }),
    );
    s.close();
  });
});

describe("routing after a department's members change", () => {
  it("hands a conversation waiting in the department to an operator added to it", async () => {
    const site = "route-members-shop";
    await createSite(site);
    const siteOwner = await login(site);
    await noAutoReplies(siteOwner);
    const anna = await addOperator(site, siteOwner, "operator", "Anna");
    const away = await addOperator(site, siteOwner, "operator", "Ben");
    const returns = (
      await expectJson(call("POST", "/departments", siteOwner, { name: "Returns", operatorIds: [away.id] }), 201)
    ).department;
    await expectJson(call("PUT", "/routing", siteOwner, { auto: true, defaultDepartmentId: returns.id }), 200);
    const s = (await openSocket("/api/v1/admin/ws", { Cookie: anna.cookie })) as Client;
    await s.next("inbox");
    const waiting = await visitorWrites("my parcel came broken", site, siteOwner);
    await new Promise((r) => setTimeout(r, 300));
    expect((await entryOf(waiting, siteOwner)).assignee).toBeNull(); // Ben, its only member, is away

    // The owner adds Anna, online with room, to Returns: she takes the visitor who waits.
    await expectJson(
      call("PUT", `/departments/${returns.id}`, siteOwner, { name: "Returns", operatorIds: [away.id, anna.id] }),
      200,
    );
    await eventually(async () => expect((await entryOf(waiting, siteOwner)).assignee).toBe(anna.id));
    s.close();
  });
});
