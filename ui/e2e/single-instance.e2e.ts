// One app per database: with a session bus (as on a desktop), a second launch on the same
// data folder hands over to the running app and quits instead of opening the file twice.
// (WebDriver is not used here: the two real app processes are watched directly.)
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_BINARY, demoDataDir } from "./app";

function busNames(address: string): string {
  return execFileSync(
    "dbus-send",
    ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
    { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } },
  ).toString();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("single instance", () => {
  it("a second launch on the same database quits while the first keeps running", async () => {
    const [address, pid] = execFileSync("dbus-daemon", ["--session", "--fork", "--print-address=1", "--print-pid=1"])
      .toString()
      .split("\n")
      .map((line) => line.trim());
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address };
    const dataDir = demoDataDir(10);
    let first: ChildProcess | undefined;
    try {
      first = spawn(APP_BINARY, ["--data-dir", dataDir], { env, stdio: "ignore" });
      await until(() => busNames(address).includes("org.communitypantry.pantry.db"), "the first app to claim its database");
      const second = spawnSync(APP_BINARY, ["--data-dir", dataDir], { env, timeout: 30_000 });
      expect(second.error).toBeUndefined();
      expect(second.status).toBe(0);
      expect(first.exitCode).toBeNull();
    } finally {
      first?.kill();
      process.kill(Number(pid));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
