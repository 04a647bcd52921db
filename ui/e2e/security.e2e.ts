// The safeguards in the real app: an admin is asked to print the recovery sheet until it is
// printed for the key in use, and sees the audit trail checked; a counter volunteer is never
// offered it; a data folder whose key is not on this computer opens only with the recovery key.
import { readdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { By } from "selenium-webdriver";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO, demoDataDir, launch, stopAfterTest } from "./app";

afterEach(({ task }) => stopAfterTest(task));

const PRINT_BUTTON = "//button[normalize-space()='Print the recovery sheet']";

describe("security", () => {
  it("asks an admin to print the recovery sheet, once, and shows the audit trail checked", async () => {
    const dir = demoDataDir(20);
    const app = await launch(dir, "Counter", DEMO.admin);
    await app.containing("Print the recovery sheet now");
    await app.screenshot("security-alert");
    await app.click("Print the recovery sheet");
    await app.driver.wait(async () => (await app.driver.findElements(By.xpath(PRINT_BUTTON))).length === 0, 10_000);
    expect(readdirSync(join(dir, "print")).some((f) => f.startsWith("recovery-sheet"))).toBe(true);

    await app.click("Settings");
    await app.heading("Settings");
    await app.containing("The recovery sheet for this key was printed");
    await app.containing("The audit trail checks out");
    await app.driver.executeScript("document.getElementById('security-title').scrollIntoView()");
    await app.screenshot("security-settings");
  });

  it("never offers the recovery sheet to a counter volunteer", async () => {
    const app = await launch(demoDataDir(20), "Counter", DEMO.counter);
    await app.click("Settings");
    await app.heading("Settings");
    expect(await app.driver.findElements(By.xpath("//button[contains(., 'recovery sheet')]"))).toHaveLength(0);
    expect(await app.driver.findElements(By.id("security-title"))).toHaveLength(0);
  });

  it("asks for the recovery key when the data folder's key is not on this computer", async () => {
    const dir = demoDataDir(5);
    // Another laptop: its key store is empty.
    const keys = process.env.PANTRY_KEY_DIR;
    process.env.PANTRY_KEY_DIR = mkdtempSync(join(tmpdir(), "pantry-e2e-other-laptop-"));
    try {
      const app = await launch(dir, "Pantry needs the recovery key");
      await app.fill("Recovery key", "AAAA-BBBB");
      await app.click("Open the pantry");
      expect(await app.fieldError("Recovery key")).toContain("13 groups of 4");
      await app.fill("Recovery key", "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYPQ");
      await app.click("Open the pantry");
      await app.driver.wait(async () => (await app.fieldError("Recovery key")).includes("does not open"), 10_000);
      await app.screenshot("security-unlock");
    } finally {
      process.env.PANTRY_KEY_DIR = keys;
    }
  });
});
