/**
 * Files both ways in Chromium against the real Worker (local runtime, R2 simulated): the
 * visitor pastes a screenshot and drops a PDF, the operator sees both (thread and visitor
 * card's gallery) and sends an image back, then deletes the PDF's message; a phone photo's GPS tag is gone once uploaded;
 * an SVG with a script, or a GIF that is also HTML, never runs in the admin or the widget.
 */
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminPage, eventually } from "./admin-support/admin-page";
import { startAdminWorld } from "./admin-support/setup";
import { exifOf, withGpsExif } from "./support/exif";
import type { TestServer } from "./support/server";
import { Visitor } from "./support/visitor";
import { ru } from "../../widget/i18n/ru";

let server: TestServer;
let browser: Browser;
let owner: AdminPage;
let visitor: Visitor;
let conversationId: string;

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert('svg onload')"><script>alert('svg script')</script></svg>`;
const GIF_HTML = `GIF89a/*\x0a\x00\x00\x00*/=1;<html><body><script>alert('polyglot')</script></body></html>`;

/** A JPEG drawn in the page (a gradient with some noise), `width`×`height`. */
async function drawnJpeg(page: Page, width: number, height: number): Promise<Uint8Array> {
  const bytes = await page.evaluate(
    async ({ width, height }) => {
      const canvas = Object.assign(document.createElement("canvas"), { width, height });
      const g = canvas.getContext("2d")!;
      const grad = g.createLinearGradient(0, 0, width, height);
      grad.addColorStop(0, "#2563eb");
      grad.addColorStop(1, "#f59e0b");
      g.fillStyle = grad;
      g.fillRect(0, 0, width, height);
      for (let i = 0; i < 400; i++) {
        g.fillStyle = `hsl(${i % 360} 70% 50%)`;
        g.fillRect((i * 97) % width, (i * 53) % height, 12, 12);
      }
      const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), "image/jpeg", 0.9));
      return [...new Uint8Array(await blob.arrayBuffer())];
    },
    { width, height },
  );
  return Uint8Array.from(bytes);
}

/** The bytes an operator gets for a file (through the redirect to its signed link). */
async function download(admin: AdminPage, fileId: string): Promise<{ type: string | null; bytes: Uint8Array }> {
  const got = await admin.page.evaluate(async (path) => {
    const res = await fetch(path);
    return { type: res.headers.get("Content-Type"), bytes: [...new Uint8Array(await res.arrayBuffer())] };
  }, `/api/v1/admin/conversations/${conversationId}/files/${fileId}`);
  return { type: got.type, bytes: Uint8Array.from(got.bytes) };
}

async function gallery(): Promise<any[]> {
  return (await owner.api("GET", `/conversations/${conversationId}/files`)).body.files;
}

/** True once the image has loaded (a broken or refused one has no natural width). */
function loaded(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
}

beforeAll(async () => {
  ({ server, browser } = await startAdminWorld());
  owner = await AdminPage.open(browser, server);
  await owner.login("demo", server.owner.email, server.owner.password);
  visitor = await Visitor.open(browser, server);
  await visitor.openChat();
  await visitor.send("Hello! The checkout shows an error.");
  const session = await eventually(() => visitor.session(), 15_000, "visitor session");
  conversationId = session.conversationId;
  await eventually(() => owner.row(conversationId).count(), 15_000, "inbox row");
  await owner.openConversation(conversationId);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("files both ways", () => {
  it("the visitor pastes a screenshot and drops a PDF, keeping the typed text; the operator sees both", async () => {
    const page = visitor.page;
    await page.locator("edge-chat .attach").waitFor();
    await visitor.input().fill("half-written question");
    await page.evaluate(async () => {
      const root = document.querySelector("edge-chat")!.shadowRoot!;
      const canvas = Object.assign(document.createElement("canvas"), { width: 900, height: 600 });
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#fee2e2";
      g.fillRect(0, 0, 900, 600);
      g.fillStyle = "#b91c1c";
      g.font = "48px sans-serif";
      g.fillText("Error 500 at checkout", 60, 300);
      const png = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), "image/png"));
      const pasted = new DataTransfer();
      pasted.items.add(new File([png], "image.png", { type: "image/png" }));
      root
        .querySelector("textarea")!
        .dispatchEvent(
          new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true, composed: true, cancelable: true }),
        );
      const dropped = new DataTransfer();
      dropped.items.add(
        new File(
          ["%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"],
          "order-1234.pdf",
          { type: "application/pdf" },
        ),
      );
      root
        .querySelector(".log")!
        .dispatchEvent(
          new DragEvent("drop", { dataTransfer: dropped, bubbles: true, composed: true, cancelable: true }),
        );
    });
    // The visitor sees the screenshot as a thumbnail and the PDF as a link; the draft is untouched.
    await eventually(() => loaded(page, "edge-chat .msg.me .thumb img"), 15_000, "the visitor's thumbnail");
    await expect.poll(() => page.locator("edge-chat .msg.me .file").textContent()).toMatch(/order-1234\.pdf\s+1 KB/);
    expect(await visitor.input().inputValue()).toBe("half-written question");

    // The operator: both in the thread, the image loaded through the session's signed link.
    await eventually(() => loaded(owner.page, "ec-conversation .thumb img"), 15_000, "the operator's thumbnail");
    expect(await owner.page.locator("ec-conversation .thumb img").getAttribute("alt")).toBe("image.png");
    expect(await owner.page.locator("ec-conversation .file").textContent()).toContain("order-1234.pdf");
    // The visitor card's gallery lists both.
    await expect.poll(() => owner.page.locator("ec-visitor-card .gallery a").count()).toBe(2);
    const files = await gallery();
    // Both uploads ran at once: either may have landed first.
    expect(files.map((f) => [f.name, f.type]).sort()).toEqual([
      ["image.png", "image/png"],
      ["order-1234.pdf", "application/pdf"],
    ]);
    expect(files.find((f) => f.name === "image.png")).toMatchObject({ width: 900, height: 600, author: "visitor" });
  });

  it("the operator sends an image back; the visitor sees it", async () => {
    const photo = withGpsExif(await drawnJpeg(owner.page, 1600, 1200));
    await owner.page
      .locator("ec-attach input[type=file]")
      .setInputFiles({ name: "size-chart.jpg", mimeType: "image/jpeg", buffer: Buffer.from(photo) });
    await eventually(
      () => loaded(visitor.page, "edge-chat .msg.them .thumb img"),
      15_000,
      "the operator's image in the widget",
    );
    const sent = (await gallery()).find((f) => f.name === "size-chart.jpg");
    expect(sent).toMatchObject({ type: "image/jpeg", width: 1600, height: 1200, author: "operator" });
    expect(exifOf((await download(owner, sent.id)).bytes)).toEqual({ exif: false, gps: false });
    await owner.screenshot("files-admin");
    await visitor.page.screenshot({ path: "test-results/screenshots/files-widget.png" });
  });

  it("a phone photo's GPS tag is gone after the visitor uploads it, and it is shrunk to 2048 px", async () => {
    const original = withGpsExif(await drawnJpeg(visitor.page, 3000, 2000));
    expect(exifOf(original)).toEqual({ exif: true, gps: true });
    await visitor.page
      .locator("edge-chat .attach input[type=file]")
      .setInputFiles({ name: "holiday.jpg", mimeType: "image/jpeg", buffer: Buffer.from(original) });
    const stored = await eventually(
      async () => (await gallery()).find((f) => f.name === "holiday.jpg"),
      15_000,
      "the photo stored",
    );
    expect(stored).toMatchObject({ type: "image/jpeg", width: 2048, height: 1365 });
    const { type, bytes } = await download(owner, stored.id);
    expect(type).toBe("image/jpeg");
    expect(bytes.length).toBe(stored.size);
    expect(exifOf(bytes)).toEqual({ exif: false, gps: false });
  });

  it("the operator deletes the PDF's message: it is gone from the widget, the gallery and R2", async () => {
    const pdf = (await gallery()).find((f) => f.name === "order-1234.pdf");
    const bubble = owner.page.locator(`ec-conversation .msg[data-seq="${pdf.seq}"]`);
    await bubble.hover();
    await bubble.locator("button.remove").click(); // the app's confirm() is accepted by the page helper
    await expect.poll(() => bubble.locator(".deleted").textContent()).toBe("Message deleted");
    await expect
      .poll(() => visitor.page.locator("edge-chat .msg .deleted").allTextContents())
      .toEqual(["Message deleted"]);
    expect(await visitor.page.locator("edge-chat .file").count()).toBe(0);
    expect((await gallery()).map((f) => f.name)).not.toContain("order-1234.pdf");
    expect((await owner.api("GET", `/conversations/${conversationId}/files/${pdf.id}`)).status).toBe(404);
  });
});

describe("active content never runs", () => {
  it("an SVG with a script and a GIF that is also HTML are refused in the widget, with a message", async () => {
    const input = visitor.page.locator("edge-chat .attach input[type=file]");
    await input.setInputFiles([
      { name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from(SVG) },
      { name: "funny.gif", mimeType: "image/gif", buffer: Buffer.from(GIF_HTML, "latin1") },
    ]);
    await expect
      .poll(() => visitor.page.locator("edge-chat .uploads .failed").allTextContents())
      .toEqual([
        expect.stringContaining(".svg files are not accepted"),
        expect.stringContaining("also contains HTML or SVG markup"),
      ]);
    // The failed uploads can be dismissed; the chat goes on.
    await visitor.page.locator("edge-chat .uploads .failed button[aria-label=Dismiss]").first().click();
    await visitor.send("ok, never mind the logo");
    await expect.poll(async () => (await visitor.states()).join()).toMatch(/Sent|Read/);
  });

  it("the same files are refused in the admin; text with a script opens as a download; no dialog anywhere", async () => {
    const input = owner.page.locator("ec-attach input[type=file]");
    await input.setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from(SVG) });
    await expect
      .poll(() => owner.page.locator("ec-attach li.failed").textContent())
      .toContain(".svg files are not accepted");
    await input.setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("see <script>alert('txt')</script> here\n"),
    });
    const note = await eventually(
      async () => (await gallery()).find((f) => f.name === "notes.txt"),
      15_000,
      "the text file",
    );
    // Opening the file in a tab downloads it: a text file is never a page of this origin.
    const tab = await owner.context.newPage();
    tab.on("dialog", (d) => owner.dialogs.push(d.message()));
    const downloaded = tab.waitForEvent("download");
    await tab.goto(`${server.url}/api/v1/admin/conversations/${conversationId}/files/${note.id}`).catch(() => {});
    expect((await downloaded).suggestedFilename()).toBe("notes.txt");
    await tab.close();
    expect(owner.dialogs).toEqual([]);
    expect(visitor.dialogs).toEqual([]);
    expect(owner.errors).toEqual([]);
    expect(visitor.errors).toEqual([]);
  });

  it("keyboard only: Retry and Dismiss on a failed upload keep focus in the chat", async () => {
    const page = visitor.page;
    // Uploads wait here until the test fails them, as a network that drops the connection.
    const held: Route[] = [];
    await page.route(/\/files\?/, (route) => void held.push(route));
    const failHeld = async () => {
      await eventually(() => held.length > 0, 15_000, "an upload on its way");
      await held.shift()!.abort("connectionreset");
    };
    const focused = () =>
      page.evaluate(() => {
        const el = document.querySelector("edge-chat")?.shadowRoot?.activeElement;
        return el ? `chat: ${el.getAttribute("part") || el.tagName}` : `page: ${document.activeElement?.tagName}`;
      });
    await page.locator("edge-chat .attach input[type=file]").setInputFiles({
      name: "invoice-77.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
    });
    await failHeld();
    const failed = page.locator("edge-chat .uploads .failed", { hasText: "invoice-77.pdf" });
    const retry = failed.locator("button", { hasText: "Retry" });
    await retry.waitFor({ timeout: 15_000 });
    await retry.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => retry.count()).toBe(0);
    expect(await focused()).toBe("chat: input");
    await failHeld(); // the retry fails too
    await retry.waitFor({ timeout: 15_000 });
    await failed.locator("button[aria-label=Dismiss]").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => failed.count()).toBe(0);
    expect(await focused()).toBe("chat: input");
    await page.unroute(/\/files\?/);
  });

  it("in Russian, a file the server refuses says why in Russian, not in the server's English", async () => {
    const guest = await Visitor.open(browser, server, "/demo/ru.html");
    try {
      await guest.openChat();
      await guest.page
        .locator("edge-chat .attach input[type=file]")
        .setInputFiles({ name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from(SVG) });
      await expect
        .poll(() => guest.page.locator("edge-chat .uploads .failed span").textContent(), { timeout: 15_000 })
        .toBe(ru.uploadFailed("logo.svg", "такие файлы не принимаются; можно JPEG, PNG, GIF, WebP, PDF или текст"));
      expect(guest.dialogs).toEqual([]);
    } finally {
      await guest.close();
    }
  });

  it("in Russian, an upload the network dropped says why in Russian", async () => {
    const guest = await Visitor.open(browser, server, "/demo/ru.html");
    try {
      await guest.page.route(/\/files\?/, (route) => route.abort("connectionreset"));
      await guest.openChat();
      await guest.page.locator("edge-chat .attach input[type=file]").setInputFiles({
        name: "счёт-12.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
      });
      await expect
        .poll(() => guest.page.locator("edge-chat .uploads .failed span").textContent(), { timeout: 15_000 })
        .toBe(ru.uploadFailed("счёт-12.pdf", ru.uploadNetwork));
    } finally {
      await guest.close();
    }
  });
});

describe("a file picked as the chat opens", () => {
  it("is sent once the chat has connected, not refused as an unknown conversation", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      // The socket reaches the server 3 s late, as on a slow phone link: until its welcome the
      // conversation does not exist on the server.
      await guest.page.routeWebSocket(/\/api\/v1\/conversations\/[0-9a-f]+\/ws/, async (ws) => {
        await new Promise((r) => setTimeout(r, 3_000));
        ws.connectToServer();
      });
      await guest.openChat();
      await guest.page
        .locator("edge-chat .attach input[type=file]")
        .setInputFiles({ name: "order.txt", mimeType: "text/plain", buffer: Buffer.from("Order 4417, size M\n") });
      await expect
        .poll(() => guest.page.locator("edge-chat .msg a.file").allTextContents(), { timeout: 15_000 })
        .toEqual([expect.stringContaining("order.txt")]);
      expect(await guest.page.locator("edge-chat .uploads .failed").count()).toBe(0);
    } finally {
      await guest.close();
    }
  });
});

describe("paste and drop", () => {
  it("text dragged from the page into the message field drops in as text", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.page.locator("edge-chat .attach").waitFor(); // the extras, which take dropped files, are here
      // True when the browser may insert the text (the drop was not cancelled).
      const dropped = await guest.page.evaluate(() => {
        const data = new DataTransfer();
        data.setData("text/plain", "Linen shirt, size M");
        const field = document.querySelector("edge-chat")!.shadowRoot!.querySelector(".composer textarea")!;
        return field.dispatchEvent(
          new DragEvent("drop", { dataTransfer: data, bubbles: true, composed: true, cancelable: true }),
        );
      });
      expect(dropped).toBe(true);
      expect(await guest.page.locator("edge-chat .uploads p").count()).toBe(0);
    } finally {
      await guest.close();
    }
  });

  it("a screenshot pasted into the email field or the rating's comment is not sent; only the message field attaches it", async () => {
    const guest = await Visitor.open(browser, server);
    try {
      await guest.openChat();
      await guest.send("Where is my parcel?");
      await expect.poll(() => guest.states()).toEqual(["Sent"]);
      /** Pastes a PNG with some text into the field; true when the browser may paste the text (not cancelled). */
      const paste = (selector: string) =>
        guest.page.evaluate(async (selector) => {
          const canvas = Object.assign(document.createElement("canvas"), { width: 40, height: 30 });
          canvas.getContext("2d")!.fillRect(0, 0, 40, 30);
          const png = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), "image/png"));
          const data = new DataTransfer();
          data.items.add(new File([png], "image.png", { type: "image/png" }));
          data.setData("text/plain", "anna@example.com");
          const field = document.querySelector("edge-chat")!.shadowRoot!.querySelector(selector)!;
          return field.dispatchEvent(
            new ClipboardEvent("paste", { clipboardData: data, bubbles: true, composed: true, cancelable: true }),
          );
        }, selector);
      await guest.page.locator("edge-chat #more").click();
      await guest.page.locator("edge-chat .menu button", { hasText: "Email me this conversation" }).click();
      await guest.page.locator("edge-chat #email").waitFor();
      expect(await paste("#email")).toBe(true);
      const { conversationId: id } = (await guest.session())!;
      expect((await owner.api("POST", `/conversations/${id}/resolve`)).status).toBe(200);
      await guest.page.locator("edge-chat .rating").waitFor({ timeout: 15_000 });
      expect(await paste("#rate-comment")).toBe(true);
      // Into the message field it is a file: it goes, and it is the only one that went.
      expect(await paste(".composer textarea")).toBe(false);
      await eventually(() => loaded(guest.page, "edge-chat .msg.me .thumb img"), 15_000, "the pasted screenshot");
      expect(await guest.page.locator("edge-chat .thumb").count()).toBe(1);
      expect(await guest.page.locator("edge-chat .uploads p").count()).toBe(0);
    } finally {
      await guest.close();
    }
  });
});
