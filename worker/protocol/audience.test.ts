import { describe, expect, it } from "vitest";
import { audienceOf } from "./audience";
import type { InboxEntry } from "./types";

const team = [
  { id: "anna", departmentIds: ["sales"] },
  { id: "boris", departmentIds: [] },
];
const entry = (over: Partial<InboxEntry>) => ({ assignee: null, department: null, ...over }) as InboxEntry;

describe("who hears of news in a conversation", () => {
  it("its assignee, else its department's members, else the whole team", () => {
    expect(audienceOf(entry({ assignee: "boris", department: "sales" }), team)).toEqual(["boris"]);
    expect(audienceOf(entry({ department: "sales" }), team)).toEqual(["anna"]);
    expect(audienceOf(entry({}), team)).toEqual(["anna", "boris"]);
  });

  it("the whole team when the assignee left it or nobody is in the department: nobody would hear otherwise", () => {
    expect(audienceOf(entry({ assignee: "olga" }), team)).toEqual(["anna", "boris"]);
    expect(audienceOf(entry({ department: "dep_deleted" }), team)).toEqual(["anna", "boris"]);
  });
});
