// Stock in the real app: add an item with its barcode, receive a delivery by typing the EAN,
// see the level, run a count with a variance, finalise it and see the adjusted level.
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { demoDataDir, launch, stopAfterTest, DEMO } from "./app";

afterEach(({ task }) => stopAfterTest(task));

describe("stock", () => {
  it("receives a delivery by barcode, counts with a variance and finalises", async () => {
    const app = await launch(demoDataDir(20), "Counter", DEMO.manager);
    await app.click("Stock");
    await app.heading("Stock");
    await app.containing("units in stock");
    await app.screenshot("stock-overview-demo");

    await app.click("Add an item");
    await app.heading("Add an item");
    await app.fill("Item name", "Hillside baked beans");
    await app.fill("Category", "Tins");
    await app.fill("Unit", "tin");
    await app.fill("Barcode 1", "5012345678900");
    await app.click("Save item");
    await app.text("Hillside baked beans is saved.");

    await app.click("Receive a delivery");
    await app.heading("Receive a delivery");
    await app.choose("Source", "FareShare");
    await app.fill("Donor", "FareShare North West");
    await app.fill("Scan a barcode or type an item's name", "5012345678900\n");
    const quantity = await app.element("//input[@aria-label='Quantity of Hillside baked beans']");
    await quantity.clear();
    await quantity.sendKeys("12");
    await (await app.element("//input[@aria-label='Best before of Hillside baked beans']")).sendKeys("31/12/2030");
    await app.screenshot("stock-delivery");
    await app.click("Record delivery");
    await app.text("Delivery recorded: 12 units in 1 line.");
    await app.fill("Find an item", "Hillside baked");
    await app.row("Tins", "12 tin", "12");

    await app.click("Stock count");
    await app.heading("Stock count");
    await app.click("Start a stock count");
    await app.fill("Show items matching", "Hillside baked");
    await (await app.element("//input[@aria-label='Counted Hillside baked beans']")).sendKeys("10\t");
    await app.containing("1 item differs from what was expected");
    await app.row("12", "0", "-2");
    await app.click("Print count sheet");
    await app.containing("ready to print");
    const pdf = await (await app.element("//div[contains(@class, 'banner')]/span[@class='path']")).getText();
    const text = execFileSync("pdftotext", [pdf, "-"]).toString();
    expect(text).toContain("Hillside baked beans");
    expect(text).toContain("Stock count");
    await app.screenshot("stock-count");
    await app.click("Finalise count…");
    await app.click("Finalise and adjust stock");
    await app.containing("finalised: 1 item adjusted.");
    await app.fill("Find an item", "Hillside baked");
    await app.row("Tins", "10 tin", "10");
    await app.screenshot("stock-after-count");
  });
});
