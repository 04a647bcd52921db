// Reaching members who cannot come, in the real app: set a household to receive deliveries,
// plan today's round, pack it, print the run sheet and the labels (every label's barcode
// read back with zbarimg), scan one label as delivered and mark another stop not in; the
// counter's today figures count the delivered parcel as a visit, and the stock its items
// leaving with the parcels and coming back with the one not delivered; a welfare call logged
// as "needs help" becomes a referral.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { By, Key, type WebElement } from "selenium-webdriver";
import { afterEach, describe, expect, it } from "vitest";
import { demoDataDir, DEMO, launch, stopAfterTest, type App } from "./app";

afterEach(({ task }) => stopAfterTest(task));

/** The path of the file the print notice names. */
async function printedPath(app: App, summary: string): Promise<string> {
  await app.containing(summary);
  return (await app.element("//div[contains(@class, 'banner')]/span[@class='path']")).getText();
}

/** Every barcode in a PDF, as zbarimg reads the pages rendered at 300 dpi. */
function barcodes(pdf: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "pantry-labels-"));
  execFileSync("pdftoppm", ["-r", "300", "-png", pdf, join(dir, "page")]);
  return readdirSync(dir).flatMap((page) =>
    execFileSync("zbarimg", ["-q", "--raw", join(dir, page)], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .split("\n")
      .filter(Boolean),
  );
}

/** Every unit the Stock screen says can be given out, summed over its items. */
async function usableUnits(app: App): Promise<number> {
  await app.click("Stock");
  await app.heading("Stock");
  await app.element("//section[@aria-label='Items']//tbody/tr/td[5]");
  const cells = await app.driver.findElements(By.xpath("//section[@aria-label='Items']//tbody/tr/td[5]"));
  let sum = 0;
  for (const cell of cells) sum += Number(await cell.getText());
  return sum;
}

/** The items packed for a stop, as its row on the round says ("1 · 17 items"). */
async function stopItems(stopRow: WebElement): Promise<number> {
  const text = await (await stopRow.findElement(By.xpath("./td[4]"))).getText();
  return Number(/(\d+) items/.exec(text)?.[1] ?? NaN);
}

describe("deliveries and calls", () => {
  it("plans, packs, prints and settles a round, and a needs-help call makes a referral", async () => {
    const app = await launch(demoDataDir(60), "Counter", DEMO.admin);
    // Parcels come out of stock when the pantry records the items themselves.
    await app.click("Stock");
    await app.heading("Stock");
    await app.click("Stock settings");
    await (await app.element("//label[contains(normalize-space(), 'Record the items themselves')]/input")).click();
    await app.click("Save stock settings");
    await app.text("Stock settings saved.");

    // A household is set to receive deliveries from its page.
    await app.click("Members");
    await app.fill("Search members", "00000026");
    const match = await app.element("//tr[td[normalize-space()='00000026']]//button");
    const member = (await match.getText()).trim();
    await match.click();
    await app.heading(member);
    await app.click("Set up deliveries");
    await app.click("Save deliveries");
    expect(await app.fieldError("Address (without the postcode)")).toContain("Enter the address");
    await app.fill("Address (without the postcode)", "Flat 2\n7 Example Street");
    await app.fill("Access notes", "Side door, ring twice");
    await app.click("Save deliveries");
    await app.text("Deliveries are set up: the household is suggested for each round.");
    await app.screenshot("outreach-household");

    const before = await usableUnits(app);

    // Today's round: the due delivery households are ticked; plan, then pack.
    await app.click("Deliveries & calls");
    await app.heading("Deliveries & calls");
    await app.element(`//table[@aria-label='Households receiving deliveries']//tr[td/label[normalize-space()=${JSON.stringify(member)}]]`);
    const planButton = await app.element("//button[starts-with(normalize-space(), 'Plan the round (')]");
    const stops = Number(/\((\d+) stop/.exec(await planButton.getText())?.[1]);
    expect(stops).toBeGreaterThanOrEqual(2);
    await planButton.click();
    await app.containing(`Round planned: ${stops} stops.`);
    await app.element(`//table[@aria-label='Stops on the round']//tr[td[normalize-space()=${JSON.stringify(member)}]]`);
    await (await app.element("//button[starts-with(normalize-space(), 'Pack ')]")).click();
    await app.text("Packed: the parcels' items are taken from stock.");
    await app.screenshot("outreach-round");
    const stopRows = await app.driver.findElements(By.xpath("//table[@aria-label='Stops on the round']/tbody/tr"));
    let packedUnits = 0;
    for (const r of stopRows) packedUnits += await stopItems(r);
    expect(packedUnits).toBeGreaterThan(0);

    await app.click("Run sheet");
    const sheet = await printedPath(app, `Run sheet for ${stops} stops ready to print`);
    const text = execFileSync("pdftotext", [sheet, "-"]).toString();
    expect(text).toContain(member);
    expect(text).toContain("Side door, ring twice");
    expect(text).toContain("Destroy after the round");
    await app.click("Parcel labels");
    const labels = await printedPath(app, `Parcel labels for ${stops} stops ready to print`);
    const codes = barcodes(labels);
    expect(codes.length).toBe(stops);
    expect(codes.every((c) => /^77\d{12}$/.test(c))).toBe(true);

    // A sheet whose first 12 labels are used: the labels start at label 13, and go on to a
    // second sheet when there are more than two.
    await app.fill("Labels start at label", "13");
    await app.click("Parcel labels");
    const banner = "//div[contains(@class, 'banner')]/span[@class='path']";
    let fromThirteen = labels;
    await app.driver.wait(async () => {
      fromThirteen = await (await app.element(banner)).getText();
      return fromThirteen !== labels;
    }, 15_000);
    expect(barcodes(fromThirteen).sort()).toEqual([...codes].sort());
    const pages = /Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [fromThirteen]).toString())?.[1];
    expect(Number(pages)).toBe(Math.ceil((12 + stops) / 14));
    await app.screenshot("outreach-labels-start");

    // The member's parcel comes back delivered by its label; the first other stop was not in.
    const row = `//table[@aria-label='Stops on the round']//tr[td[normalize-space()=${JSON.stringify(member)}]]`;
    const reference = await (await app.element(`${row}//span[contains(@class, 'mono')]`)).getText();
    const shownId = Number(reference.replace(/\D/g, ""));
    const code = codes.find((c) => Number(c.slice(2, 13)) === shownId);
    expect(code).toBeDefined();
    await app.choose("What happened", "Delivered");
    const scan = await app.field("Scan the parcel's label (or type its P- number) and press Enter");
    await scan.sendKeys(code!, Key.ENTER);
    await app.text(`${reference}: delivered.`);
    await app.element(`${row}[td[normalize-space()='Delivered']]`);
    const other = await app.element(`//table[@aria-label='Stops on the round']//tr[not(td[normalize-space()=${JSON.stringify(member)}])][.//button[starts-with(normalize-space(), 'Not in')]]`);
    const otherName = await (await other.findElement(By.xpath("./td[2]"))).getText();
    const otherUnits = await stopItems(other);
    await (await other.findElement(By.xpath(".//button[starts-with(normalize-space(), 'Not in')]"))).click();
    await app.containing(": not in.");
    await app.element(`//table[@aria-label='Stops on the round']//tr[td[normalize-space()=${JSON.stringify(otherName)}]][td[normalize-space()='Not in']]`);
    // The same label scanned again changes nothing and says so plainly.
    await scan.sendKeys(code!, Key.ENTER);
    await app.text(`${reference}: delivered (recorded already).`);
    await app.screenshot("outreach-outcomes");

    // Stock: packing took every parcel's items; the parcel not delivered brought its own back.
    expect(await usableUnits(app)).toBe(before - packedUnits + otherUnits);

    // The counter's today figures count the delivered parcel as one visit.
    await app.click("Counter");
    await app.heading("Counter");
    await app.element("//dl//div[dt[normalize-space()='Visits']][dd[normalize-space()='1']]");

    // A welfare call that finds the member needs help becomes a referral.
    await app.click("Deliveries & calls");
    await app.heading("Deliveries & calls");
    const call = await app.element("//table[@aria-label='Welfare calls due']//tr[.//button[starts-with(normalize-space(), 'Log a call')]]");
    const caller = await (await call.findElement(By.xpath("./td[1]"))).getText();
    await (await call.findElement(By.xpath(".//button"))).click();
    await app.choose("How the call went", "Spoke – needs help");
    await app.choose("Agency", "Riverside Well-being Service");
    await app.choose("Reason", "Loneliness or isolation");
    await app.fill("What the member needs", "Would like the lunch club");
    await app.click("Log the call");
    await app.containing("no referral is made without their consent");
    await app.tick("The member agrees");
    await app.click("Log the call");
    const logged = await (await app.containing(`Call with ${caller} logged, and referral`)).getText();
    const referral = /R-\d{4} \d{4}/.exec(logged)?.[0] ?? "";
    expect(referral).not.toBe("");
    await app.screenshot("outreach-calls");
    await app.click("Referrals");
    await app.heading("Referrals");
    await app.row(referral, caller, "Riverside Well-being Service");

    // The standard parcel: mark what its first item contains, and it stays marked.
    await app.click("Deliveries & calls");
    await app.heading("Deliveries & calls");
    const first = "//table[@aria-label='Standard parcel']//tbody/tr[1]";
    await (await app.element(`${first}/td[4]//summary`)).click();
    await (await app.element(`${first}/td[4]//label[normalize-space()='Peanuts']/input`)).click();
    await app.click("Save the standard parcel");
    await app.text("The standard parcel is saved.");
    await app.element(`${first}/td[4]//summary[normalize-space()='Peanuts']`);
    await app.screenshot("outreach-parcel");
  });
});
