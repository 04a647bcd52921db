// After a restore, the real app says plainly that it happened: which backup (its date), who
// did it and what was undone, until a volunteer has read it; then it stays gone.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { By } from "selenium-webdriver";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO, demoDataDir, launch, pantryCli, stopAfterTest } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("restore", () => {
  it("shows what a restore undid until someone has read it", async () => {
    const dataDir = demoDataDir(20);
    pantryCli(dataDir, "backup");
    const backup = readdirSync(join(dataDir, "backups")).find((f) => f.startsWith("pantry-backup-"));
    expect(backup).toBeDefined();
    // Three members imported after the backup, then the backup is restored: they are undone.
    const members = join(dataDir, "members.csv");
    writeFileSync(members, "Name,Postcode\nAmelia Smith,OL1 3BQ\nJan Kowalski,M1 1AE\nZoe Ozturk,OL4 1AA\n");
    pantryCli(dataDir, "import", "members", members);
    pantryCli(dataDir, "restore", join(dataDir, "backups", backup!));

    let app = await launch(dataDir, "Counter", DEMO.admin);
    await app.text("Pantry was restored from a backup");
    await app.containing("3 households registered or imported");
    await app.containing("(by Alex)");
    await app.screenshot("restore-notice");
    await app.click("I have read this");
    await app.driver.wait(async () => (await app.driver.findElements(By.id("restore-title"))).length === 0, 15_000);
    await app.quit();

    app = await launch(dataDir, "Counter", DEMO.counter);
    expect(await app.driver.findElements(By.id("restore-title"))).toHaveLength(0);
  });
});
