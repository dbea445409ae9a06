/** The benchmark's Markdown: the message-path table, the other figures, and the bill. */
import { percentile, summary } from "../../load/stats.mjs";

const NAMES = { echo: "echo", "echo-insert": "echo + insert", edgechat: "**Edgechat**" };

const ms = (v) =>
  Number.isNaN(v) ? "–" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? v.toFixed(0) : v.toFixed(1);
const quad = (s) => (s?.n ? `${ms(s.p50)} / ${ms(s.p90)} / ${ms(s.p99)} / ${ms(s.max)}` : "–");
const times = (a, b) => (a && b && b > 0 ? `×${(a / b).toFixed(1)}` : "–");
const median = (xs) => percentile(xs, 0.5);
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");

/** Pools the repetitions of one (size, target): percentiles over every sample. */
export function pool(runs) {
  const cat = (k) => runs.flatMap((r) => r.samples[k]);
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  return {
    target: runs[0].target,
    conversations: runs[0].conversations,
    reps: runs.length,
    messages: sum("messages"),
    offeredPerSec: median(runs.map((r) => r.offeredPerSec)),
    deliveredPerSec: median(runs.map((r) => r.deliveredPerSec)),
    operator: summary(cat("operator")),
    ack: summary(cat("ack")),
    inbox: runs[0].inbox ? summary(cat("inbox")) : null,
    cpuMsPerMessage: median(runs.map((r) => r.cpuMsPerMessage)),
    lost: sum("lost"),
    unacked: sum("unacked"),
    inboxMissing: sum("inboxMissing"),
    p50s: runs.map((r) => r.operator.p50),
  };
}

/** The message-path table: one row per size and target, then Edgechat's ratios to each baseline. */
export function latencyTable(pooled) {
  const rows = [
    "| conv. | target | offered msg/s | delivered msg/s | visitor → operator p50 / p90 / p99 / max (ms) | send → ack p50 / p90 / p99 / max | send → inbox p50 / p90 / p99 / max | runtime CPU ms/msg | lost / unacked |",
    "|---:|---|---:|---:|---|---|---|---:|---|",
  ];
  const sizes = [...new Set(pooled.map((p) => p.conversations))];
  for (const size of sizes) {
    const of = (kind) => pooled.find((p) => p.conversations === size && p.target === kind);
    for (const p of pooled.filter((x) => x.conversations === size)) {
      rows.push(
        `| ${int(size)} | ${NAMES[p.target]} | ${int(p.offeredPerSec)} | ${int(p.deliveredPerSec)} | ${quad(p.operator)} | ${quad(p.ack)} | ${quad(p.inbox)} | ${p.cpuMsPerMessage.toFixed(2)} | ${p.lost} / ${p.unacked} of ${int(p.messages)} |`,
      );
    }
    const e = of("edgechat");
    for (const base of ["echo-insert", "echo"]) {
      const b = of(base);
      if (!e || !b) continue;
      rows.push(
        `| ${int(size)} | Edgechat ÷ ${NAMES[base]} | | ${times(e.deliveredPerSec, b.deliveredPerSec)} | p50 ${times(e.operator.p50, b.operator.p50)}, p99 ${times(e.operator.p99, b.operator.p99)} | p50 ${times(e.ack.p50, b.ack.p50)}, p99 ${times(e.ack.p99, b.ack.p99)} | | ${times(e.cpuMsPerMessage, b.cpuMsPerMessage)} | |`,
      );
    }
  }
  return rows.join("\n");
}

/** Budget of ARCHITECTURE.md: p50 and p99 within 2× echo + insert at 10 and 100 conversations. */
export function budgetLines(pooled) {
  const out = [];
  for (const size of [...new Set(pooled.map((p) => p.conversations))]) {
    const e = pooled.find((p) => p.conversations === size && p.target === "edgechat");
    const b = pooled.find((p) => p.conversations === size && p.target === "echo-insert");
    if (!e || !b) continue;
    const r50 = e.operator.p50 / b.operator.p50;
    const r99 = e.operator.p99 / b.operator.p99;
    const cpu = e.cpuMsPerMessage / b.cpuMsPerMessage;
    const ok = r50 <= 2 && r99 <= 2 && cpu <= 2;
    // The inbox against delivery to the operator in the same run (the budget: within 2×).
    const i50 = e.inbox ? e.inbox.p50 / e.operator.p50 : Number.NaN;
    const i99 = e.inbox ? e.inbox.p99 / e.operator.p99 : Number.NaN;
    const inboxOk = i50 <= 2 && i99 <= 2;
    out.push(
      `- ${int(size)} conversations: Edgechat p50 ×${r50.toFixed(1)}, p99 ×${r99.toFixed(1)}, CPU/msg ×${cpu.toFixed(1)} of echo + insert — budget (≤ ×2) ${ok ? "met" : "**not met**"}; inbox p50 ×${i50.toFixed(1)}, p99 ×${i99.toFixed(1)} of delivery — ${inboxOk ? "met" : "**not met**"}`,
    );
  }
  return out.join("\n");
}

/** The other figures, one row each, a column per target. */
export function figuresTable({ throughput, memory, fanout, bills, sizes }) {
  const kinds = ["echo", "echo-insert", "edgechat"];
  const row = (name, f) => `| ${name} | ${kinds.map(f).join(" | ")} |`;
  const t = (k) => throughput[k];
  const m = (k) => memory[k];
  const rows = [
    `| figure | ${kinds.map((k) => NAMES[k]).join(" | ")} |`,
    "|---|---:|---:|---:|",
    row(
      `frames/s through one conversation (${t("edgechat")?.tabs ?? "?"} tabs of one visitor × 20 at once, ${t("edgechat")?.rounds ?? "?"} rounds, 1 operator): each stored and relayed, or refused by the per-sender limit`,
      (k) => {
        if (!t(k)) return "–";
        const lost = t(k).sent - t(k).received - (t(k).refused ?? 0);
        const refused = t(k).refused ? `, ${int(t(k).refused)} refused` : "";
        return `${int(t(k).perSec)} (${int(t(k).received)} stored${refused}${lost > 0 ? `, ${lost} lost` : ""})`;
      },
    ),
    row("runtime CPU ms per message in that burst", (k) => (t(k) ? t(k).cpuMsPerMessage.toFixed(2) : "–")),
    row(
      `runtime memory per idle conversation socket (${m("edgechat")?.sockets ?? "?"} sockets, after ${((m("edgechat")?.idleMs ?? 0) / 1000).toFixed(0)} s idle)`,
      (k) => (m(k) ? `${int(m(k).perSocketIdleBytes / 1024)} KB` : "–"),
    ),
    row(`bill for ${int(bills.edgechat?.conversations)} conversations × 10 messages (marginal, USD)`, (k) =>
      bills[k] ? `$${bills[k].usd.toFixed(4)}` : "–",
    ),
  ];
  if (fanout) {
    rows.push(
      row(
        `inbox fan-out, one Site: ${int(fanout.conversations)} conversations × ${fanout.messages / fanout.conversations} msgs (${int(fanout.offeredPerSec)} msg/s), ${fanout.inboxes} inbox sockets: send → inbox p50 / p99, updates/s per socket, missing`,
        (k) =>
          k === "edgechat"
            ? `${ms(fanout.inbox.p50)} / ${ms(fanout.inbox.p99)}, ${int(fanout.updatesPerSec)}/s, ${fanout.missing} missing`
            : "–",
      ),
    );
  }
  if (sizes) {
    rows.push(
      row("widget loader / component / extras, gzip bytes", (k) =>
        k === "edgechat"
          ? `${int(sizes.loader_gzip_bytes)} / ${int(sizes.component_gzip_bytes)} / ${int(sizes.extras_gzip_bytes)}`
          : "–",
      ),
    );
    rows.push(
      row("admin initial JS, gzip bytes", (k) => (k === "edgechat" ? int(sizes.admin_initial_gzip_bytes) : "–")),
    );
  }
  return rows.join("\n");
}

/** The bill's lines for each target, and the assumptions behind them. */
export function billTable(bills) {
  const kinds = Object.keys(bills);
  const items = bills[kinds[0]].lines.map((l) => l.item);
  const rows = [
    `| ${int(bills[kinds[0]].conversations)} conversations × 10 messages | ${kinds.map((k) => NAMES[k]).join(" | ")} |`,
    `|---|${kinds.map(() => "---:").join("|")}|`,
  ];
  for (const item of items) {
    rows.push(
      `| ${item} | ${kinds
        .map((k) => {
          const l = bills[k].lines.find((x) => x.item === item);
          return `${l.quantity === 0 ? "0" : l.quantity >= 100 ? int(l.quantity) : l.quantity.toPrecision(3)} ${l.unit} = $${l.usd.toFixed(5)}`;
        })
        .join(" | ")} |`,
    );
  }
  rows.push(`| total (marginal) | ${kinds.map((k) => `**$${bills[k].usd.toFixed(4)}**`).join(" | ")} |`);
  return rows.join("\n");
}
