/**
 * A 5 MB phone photo through the local runtime (`wrangler dev`, R2 simulated on disk), in
 * Debian's Chromium: the time to upload it as it is (one POST of the raw bytes), the time the
 * widget takes from picking it to the stored message (shrink to 2048 px, re-encode, upload),
 * and the bytes stored after that. Run: `node test/bench/file-upload.mjs [--runs 3]`
 * (`npm run build` first). Prints one Markdown table.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { startTestServer } = await import(pathToFileURL(path.join(ROOT, "scripts/local-server.mjs")).href);
const server = await startTestServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ARGS,
});
const rows = [];
try {
  for (let run = 0; run < RUNS; run++) rows.push(await once());
} finally {
  await browser.close();
  await server.stop();
}

const photo = rows[0].photo;
console.log(`| 5 MB photo (${photo.width}×${photo.height} JPEG, ${photo.bytes} B), median of ${RUNS} | figure |
|---|---|
| upload as it is (POST of the raw bytes, checked and stored in R2) | ${median(rows.map((r) => r.rawMs)).toFixed(0)} ms |
| widget: pick → shrink to 2048 px, re-encode (no EXIF) → stored message | ${median(rows.map((r) => r.widgetMs)).toFixed(0)} ms |
| bytes stored after downscaling | ${rows[0].storedBytes} B (${rows[0].stored}) |`);

/** One visitor: a chat, a 5 MB photo made in the page, both uploads. */
async function once() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/demo/`);
  await page.waitForFunction(() => document.querySelector("edge-chat")?.hasUpdated === true);
  await page.locator("edge-chat .launcher").click();
  await page.locator("edge-chat textarea").fill("photo of the seam");
  await page.locator("edge-chat textarea").press("Enter");
  await page.locator("edge-chat .attach").waitFor();
  await page.waitForFunction(() => localStorage.getItem("edgechat:demo:session"));
  const result = await page.evaluate(async (server) => {
    // A photo-like JPEG of about 5 MB: 4000×3000 of noisy colour at high quality.
    const canvas = Object.assign(document.createElement("canvas"), { width: 4000, height: 3000 });
    const g = canvas.getContext("2d");
    const data = g.createImageData(4000, 3000);
    let seed = 7;
    for (let i = 0; i < data.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const x = (i / 4) % 4000;
      data.data[i] = (x / 16 + (seed & 63)) & 255;
      data.data[i + 1] = (((i / 16000) % 256) + ((seed >> 6) & 31)) & 255;
      data.data[i + 2] = 128 + ((seed >> 11) & 63);
      data.data[i + 3] = 255;
    }
    g.putImageData(data, 0, 0);
    let blob;
    for (const q of [0.98, 0.97, 0.96, 0.95, 0.93, 0.9, 0.85, 0.75]) {
      blob = await new Promise((r) => canvas.toBlob(r, "image/jpeg", q));
      if (blob.size <= 5.5e6) break;
    }
    const session = JSON.parse(localStorage.getItem("edgechat:demo:session"));
    const q = new URLSearchParams({ token: session.visitorToken, name: "raw.jpg", clientId: `raw-${Date.now()}` });
    const started = performance.now();
    const res = await fetch(`${server}/api/v1/conversations/${session.conversationId}/files?${q}`, {
      method: "POST",
      body: blob,
    });
    const rawMs = performance.now() - started;
    if (res.status !== 201) throw new Error(`raw upload: ${res.status} ${await res.text()}`);
    window.__photo = new File([blob], "seam.jpg", { type: "image/jpeg" });
    return { rawMs, photo: { width: 4000, height: 3000, bytes: blob.size } };
  }, server.url);

  const started = Date.now();
  await page.evaluate(() => {
    const input = document.querySelector("edge-chat").shadowRoot.querySelector(".attach input");
    const dt = new DataTransfer();
    dt.items.add(window.__photo);
    input.files = dt.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  const message = await page.waitForFunction(
    () => {
      const chat = document.querySelector("edge-chat").chat;
      const m = chat.messages.find((x) => x.attachments?.[0]?.name === "seam.jpg");
      return m ? m.attachments[0] : null;
    },
    undefined,
    { timeout: 60_000 },
  );
  const widgetMs = Date.now() - started;
  const stored = await message.jsonValue();
  await context.close();
  return { ...result, widgetMs, storedBytes: stored.size, stored: `${stored.width}×${stored.height} ${stored.type}` };
}
