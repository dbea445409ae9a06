/**
 * `npm start` on a port that is already taken says so and stops, before building and
 * without ever printing "Edgechat is running".
 */
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { expect, test } from "vitest";

test("npm start on a busy port says the port is in use and exits 1", async () => {
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    const started = Date.now();
    const run = spawnSync(process.execPath, [path.resolve(import.meta.dirname, "../../scripts/start.mjs")], {
      env: { ...process.env, PORT: String(port) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Port ${port} is already in use`);
    expect(run.stderr).toContain(`PORT=${port + 1} npm start`);
    expect(run.stdout).not.toContain("Edgechat is running");
    expect(Date.now() - started).toBeLessThan(10_000); // before the build, not after
  } finally {
    busy.close();
  }
});
