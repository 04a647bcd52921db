// The safeguards in the real app: an admin is asked to print the recovery sheet until it is
// printed for the key in use, and sees the audit trail checked; a counter volunteer is never
// offered it; a data folder whose key is not on this computer opens only with the recovery key.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { By } from "selenium-webdriver";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO, demoDataDir, launch, pantryCli, stopAfterTest } from "./app";

afterEach(({ task }) => stopAfterTest(task));

const PRINT_BUTTON = "//button[normalize-space()='Print the recovery sheet']";

/** The recovery key of the pantry in `dataDir`, as its recovery sheet prints it: the key file
 *  (named from the database's path) read and written in base 32, 13 groups of 4. */
function recoveryKeyOf(dataDir: string): string {
  const name = createHash("sha256").update(join(dataDir, "pantry.sqlite3")).digest("hex").slice(0, 24);
  const key = Buffer.from(readFileSync(join(process.env.PANTRY_KEY_DIR ?? "", `database-${name}.key`), "utf8").trim(), "hex");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const byte of key) bits += byte.toString(2).padStart(8, "0");
  let text = "";
  for (let i = 0; i < bits.length; i += 5) text += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return text.match(/.{1,4}/g)?.join("-") ?? "";
}

describe("security", () => {
  it("asks an admin to print the recovery sheet to a folder away from the data, and to say when it is put away", async () => {
    const dir = demoDataDir(20);
    const app = await launch(dir, "Counter", DEMO.admin);
    await app.containing("Print the recovery sheet now");
    await app.screenshot("security-alert");
    await app.click("Print the recovery sheet");
    await app.heading("Settings");

    // The data folder is refused, next to the field.
    await app.fill("Folder for the recovery sheet", dir);
    await app.click("Print the recovery sheet");
    await app.driver.wait(async () => (await app.fieldError("Folder for the recovery sheet")).includes("never goes in the data folder"), 10_000);
    expect(existsSync(join(dir, "print")) && readdirSync(join(dir, "print")).some((f) => f.startsWith("recovery-sheet"))).toBe(false);

    const away = mkdtempSync(join(tmpdir(), "pantry-e2e-sheet-"));
    await app.fill("Folder for the recovery sheet", away);
    await app.click("Print the recovery sheet");
    await app.containing("I have printed it and put it away");
    expect(readdirSync(away).some((f) => f.startsWith("recovery-sheet") && f.endsWith(".pdf"))).toBe(true);
    // Written is not printed: the reminder stays until the admin says so.
    await app.containing("No recovery sheet has been printed for this key");
    await app.driver.executeScript("document.getElementById('security-title').scrollIntoView()");
    await app.screenshot("security-sheet-written");
    await app.click("I have printed it and put it away");
    await app.containing("The recovery sheet for this key was printed");
    await app.containing("The audit trail checks out");
    await app.driver.wait(async () => (await app.driver.findElements(By.xpath("//*[@aria-label='Safeguards']"))).length === 0, 10_000);
    await app.driver.executeScript("document.getElementById('security-title').scrollIntoView()");
    await app.screenshot("security-settings");
  });

  it("tells admins on every screen that the daily backup could not be taken, and never makes the folder", async () => {
    const dir = demoDataDir(5);
    const usb = mkdtempSync(join(tmpdir(), "pantry-e2e-usb-"));
    pantryCli(dir, "backup-settings", "--folder", usb);
    rmSync(usb, { recursive: true }); // the USB stick is unplugged
    const app = await launch(dir, "Counter", DEMO.admin);
    await app.containing("could not be taken");
    await app.containing("Is the USB stick plugged in?");
    await app.screenshot("security-backup-failed");
    expect(existsSync(usb)).toBe(false);

    await app.click("Settings");
    await app.heading("Settings");
    await app.fill("Backup folder", join(usb, "Pantry"));
    await app.click("Save backup settings");
    await app.driver.wait(async () => (await app.fieldError("Backup folder")).includes("That folder is not there"), 10_000);
    expect(existsSync(usb)).toBe(false);
    await app.driver.executeScript("document.getElementById('backups-title').scrollIntoView()");
    await app.screenshot("backups-folder-not-there");
  });

  it("lets a locked-out admin sign in with the recovery key, and nobody with a wrong one", async () => {
    const dir = demoDataDir(5);
    const app = await launch(dir, "Sign in");
    await app.choose("Your name", DEMO.admin.name);
    await app.click("Locked out? An admin can sign in with the recovery key");
    await app.fill("Recovery key", "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT-CQKR-MFYY-DENB-WHA5-DYPQ");
    await app.click("Sign in with the recovery key");
    expect(await app.fieldError("Recovery key")).toContain("not this pantry's recovery key");
    await app.screenshot("security-sign-in-with-recovery-key");
    await app.fill("Recovery key", recoveryKeyOf(dir).toLowerCase());
    await app.click("Sign in with the recovery key");
    await app.heading("Counter");
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
