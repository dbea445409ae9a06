import { describe, expect, it } from "vitest";
import { decodePreview, encodePreview } from "./inbox-preview";

describe("a preview as a socket message", () => {
  const frame = JSON.stringify({ type: "conversation", conversation: { id: "c1", text: "two\nlines and a space" } });

  it("reads back as it was written, whatever its frame holds", () => {
    expect(decodePreview(encodePreview({ id: "c1", rev: 12, frame }))).toEqual({ id: "c1", rev: 12, frame });
    expect(decodePreview(encodePreview({ id: "c1", rev: 0, frame: "{}" }))).toEqual({ id: "c1", rev: 0, frame: "{}" });
  });

  it("is nothing when it is not one", () => {
    for (const bad of [
      "",
      "c1 12",
      `c1\n${frame}`,
      ` 12\n${frame}`,
      `c1 -1\n${frame}`,
      `c1 1.5\n${frame}`,
      `c1 NaN\n${frame}`,
      `c1 1e400\n${frame}`,
      `c1 \n${frame}`,
      "c1 12\n<b>markup</b>",
      "c1 12\n",
    ]) {
      expect(decodePreview(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(decodePreview(new TextEncoder().encode(`c1 12\n${frame}`).buffer as ArrayBuffer)).toBeNull();
  });
});
