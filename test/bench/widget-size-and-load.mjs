/**
 * What the widget costs a shop: gzip bytes of the loader and the component (and, apart, of
 * the extras bundle, which loads only when a visitor needs it), and on a plain
 * page served by the real Worker, the longest main-thread task the widget causes while the
 * page loads and the component arrives (from Chromium's trace), and the page's cumulative
 * layout shift (layout-shift entries). Median of a few runs, without and with 4× CPU
 * slowdown (a mid-range phone).
 *
 *   node test/bench/widget-size-and-load.mjs [--runs 5]
 *
 * Prints plain lines, e.g. `loader_gzip_bytes 1020`.
 */
import { cpSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 5;
const WIDGET = /\/widget\.js|\/w\/edge-chat\./;
const RUNS_SCRIPT = new Set(["EvaluateScript", "v8.compile", "FunctionCall", "v8.run"]);
// The same flags as test/e2e/support/browser.ts.
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Where the widget's script ran: the page's renderer main thread. */
function mainThread(events) {
  const ran = events.find((e) => e.name === "EvaluateScript" && WIDGET.test(e.args?.data?.url ?? ""));
  return ran ? { pid: ran.pid, tid: ran.tid } : null;
}

/** Durations (ms) of the main thread's top-level tasks that ran widget code. */
function widgetTasks(events) {
  const main = mainThread(events);
  if (!main) throw new Error("no renderer main thread in the trace");
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const tasks = onMain.filter((e) => e.name === "RunTask" && e.ph === "X");
  // Script of the widget running: evaluation, compilation, callbacks (timers, idle, events).
  const widget = onMain.filter((e) => RUNS_SCRIPT.has(e.name) && WIDGET.test(e.args?.data?.url ?? ""));
  const hits = tasks.filter((t) => widget.some((w) => w.ts >= t.ts && w.ts <= t.ts + t.dur));
  if (process.env.DEBUG_TASKS) {
    for (const t of hits.sort((a, b) => b.dur - a.dur).slice(0, 3)) {
      const inside = onMain.filter((e) => e.ts >= t.ts && e.ts <= t.ts + t.dur && e !== t && e.dur);
      const sum = {};
      for (const e of inside) sum[e.name] = (sum[e.name] ?? 0) + e.dur / 1000;
      console.error(
        `task ${(t.dur / 1000).toFixed(1)} ms:`,
        Object.entries(sum)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 14)
          .map(([k, v]) => `${k} ${v.toFixed(1)}`)
          .join(" | "),
      );
    }
  }
  return hits.map((t) => t.dur / 1000);
}

async function measure(browser, url, cpuRate) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (cpuRate > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuRate });
  const events = [];
  cdp.on("Tracing.dataCollected", ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", {
    transferMode: "ReportEvents",
    traceConfig: {
      includedCategories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "toplevel",
        "v8.execute",
        "v8",
        "blink",
        "__metadata",
      ],
    },
  });
  await page.goto(url);
  // Loaded: the component drew its launcher and has its session.
  await page.waitForFunction(
    () => document.querySelector("edge-chat")?.hasUpdated && localStorage.getItem("edgechat:demo:session"),
    null,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(1000);
  await cdp.send("Tracing.end");
  await done;
  const cls = await page.evaluate(() => window.__cls);
  await context.close();
  const tasks = widgetTasks(events);
  return { longest: tasks.length ? Math.max(...tasks) : 0, cls };
}

const { buildWidget } = await import(pathToFileURL(path.join(ROOT, "widget/build.mjs")).href);
const sizes = await buildWidget({ outDir: path.join(ROOT, "dist/assets") });
cpSync(path.join(ROOT, "widget/demo"), path.join(ROOT, "dist/assets/demo"), { recursive: true });
console.log(`loader_gzip_bytes ${sizes.loader.gzip}`);
console.log(`component_gzip_bytes ${sizes.component.gzip}`);
// On demand only (the email field, the "More" menu): not part of a page's load below.
console.log(`extras_gzip_bytes ${sizes.extras.gzip}`);

const { startTestServer } = await import(pathToFileURL(path.join(ROOT, "scripts/local-server.mjs")).href);
const server = await startTestServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ARGS,
});
try {
  const url = `${server.url}/demo/plain.html`;
  await measure(browser, url, 1); // warm-up: workerd compiles, the Site object wakes
  for (const cpu of [1, 4]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, url, cpu));
    const suffix = cpu === 1 ? "" : `_cpu${cpu}x`;
    console.log(`widget_longest_task_ms${suffix} ${median(runs.map((r) => r.longest)).toFixed(1)}`);
    console.log(`widget_longest_task_ms${suffix}_runs ${runs.map((r) => r.longest.toFixed(1)).join(" ")}`);
    console.log(`cls${suffix} ${median(runs.map((r) => r.cls)).toFixed(4)}`);
  }
  console.log(`runs ${RUNS}`);
} finally {
  await browser.close();
  await server.stop();
}
