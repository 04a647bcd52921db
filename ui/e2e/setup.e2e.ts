// First run in the real app: setup, Settings, restart, validation, navigation.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { By, Key } from "selenium-webdriver";
import { type App, current, freshDataDir, launch, serverDatabase, serverDataDir, stopAfterTest } from "./app";

afterEach(({ task }) => stopAfterTest(task));

/** The first administrator, created at setup. */
const ADMIN = { name: "Łucja Nowak", pin: "2580" };

const PANTRY = {
  "Pantry name": "Łąka Community Pantry",
  "Short code": "lak01",
  Address: "12 Mill Lane, Brookfield",
  "Landlord (housing association)": "Riverside Homes",
  "Weekly fee (£)": "4.25",
  "Items per visit": "12",
  "Visits allowed per week": "1",
  "Membership length (weeks)": "26",
  "Neighbourhoods (one per line)": "Brookfield\nMill Hill\nSt Anne's",
  "Your name": ADMIN.name,
  "PIN (4 to 8 digits)": ADMIN.pin,
  "PIN again": ADMIN.pin,
};

async function fillSetup(app: App) {
  for (const [label, value] of Object.entries(PANTRY)) await app.fill(label, value);
}

async function expectSavedValues(app: App) {
  expect(await app.value("Pantry name")).toBe("Łąka Community Pantry");
  expect(await app.value("Short code")).toBe("LAK01");
  expect(await app.value("Address")).toBe("12 Mill Lane, Brookfield");
  expect(await app.value("Landlord (housing association)")).toBe("Riverside Homes");
  expect(await app.value("Time zone")).toBe("Europe/London");
  expect(await app.value("Weekly fee (£)")).toBe("4.25");
  expect(await app.value("Items per visit")).toBe("12");
  expect(await app.value("Visits allowed per week")).toBe("1");
  expect(await app.value("Membership length (weeks)")).toBe("26");
  expect(await app.value("Neighbourhoods (one per line)")).toBe("Brookfield\nMill Hill\nSt Anne's");
  expect(await app.value("Anonymise after (months without a visit)")).toBe("24");
}

describe("first run", () => {
  it("sets up the pantry, shows it in Settings, and keeps it after a restart", async () => {
    const dataDir = freshDataDir();
    let app = await launch(dataDir, "Set up your pantry");
    console.log(`App start to first screen: ${app.startMs.toFixed(0)} ms`);
    expect(await app.value("Time zone")).toBe("Europe/London");
    await fillSetup(app);
    await app.click("Save and start");

    await app.heading("Counter");
    await app.click("Settings");
    await app.heading("Settings");
    await expectSavedValues(app);

    await current.app?.quit();
    current.app = undefined;
    app = await launch(dataDir, "Counter", ADMIN);
    console.log(`App restart to Counter: ${app.startMs.toFixed(0)} ms`);
    await app.text("Łąka Community Pantry");
    await app.click("Settings");
    await app.heading("Settings");
    await expectSavedValues(app);
  });

  it("shows each mistake next to its field and saves nothing until it is right", async () => {
    const dataDir = freshDataDir();
    let app = await launch(dataDir, "Set up your pantry");
    await fillSetup(app);
    await app.fill("Pantry name", "");
    await app.fill("Weekly fee (£)", "four pounds");
    await app.fill("Time zone", "Europe/Londn");
    await app.click("Save and start");

    expect(await app.fieldError("Pantry name")).toBe("Enter the pantry's name.");
    expect(await app.fieldError("Weekly fee (£)")).toMatch(/^Enter the fee in pounds and pence/);
    expect(await app.fieldError("Time zone")).toMatch(/^Choose a time zone/);
    await app.text("Please correct the 3 highlighted fields.");
    const focused = await app.driver.switchTo().activeElement();
    expect(await focused.getAttribute("id")).toBe(await (await app.field("Pantry name")).getAttribute("id"));
    await app.screenshot("setup-with-mistakes");

    // Nothing was saved: a restart still asks for setup.
    await current.app?.quit();
    current.app = undefined;
    app = await launch(dataDir, "Set up your pantry");
    await fillSetup(app);
    await app.click("Save and start");
    await app.heading("Counter");
  });

  it("shows two different PINs together with every other mistake, each beside its field", async () => {
    const app = await launch(freshDataDir(), "Set up your pantry");
    await fillSetup(app);
    await app.fill("Pantry name", "");
    await app.fill("PIN again", "9999");
    await app.click("Save and start");

    expect(await app.fieldError("Pantry name")).toBe("Enter the pantry's name.");
    expect(await app.fieldError("PIN again")).toBe("The two PINs are not the same.");
    await app.text("Please correct the 2 highlighted fields.");

    // Each message goes as soon as its field is changed.
    await app.fill("PIN again", ADMIN.pin);
    const again = await app.field("PIN again");
    await app.driver.wait(async () => (await again.getAttribute("aria-invalid")) === null, 5000);
    expect(await (await app.field("Pantry name")).getAttribute("aria-invalid")).toBe("true");
    await app.fill("Pantry name", PANTRY["Pantry name"]);
    await app.click("Save and start");
    await app.heading("Counter");
  });

  it("reaches every screen by keyboard", async () => {
    const dataDir = freshDataDir();
    const app = await launch(dataDir, "Set up your pantry");
    await fillSetup(app);
    await (await app.field("Anonymise after (months without a visit)")).sendKeys(Key.TAB, Key.ENTER);
    await app.heading("Counter");
    await app.screenshot("counter-first-run");
    const body = app.driver.findElement({ css: "body" });
    const screens = ["Counter", "Members", "Stock", "Referrals", "Deliveries & calls", "Reports"];
    for (const [index, name] of screens.entries()) {
      await body.sendKeys(Key.chord(Key.ALT, String(index + 1)));
      await app.heading(name);
    }
    await body.sendKeys(Key.chord(Key.ALT, "7"));
    await app.heading("Settings");
    await app.click("Back up now");
    await app.containing("Backup written and checked");
    await app.containing("Last backup:");
    await app.click("Show");
    await app.element("//section[@aria-labelledby='audit-title']//td[contains(., 'took a backup.')]");
    await app.screenshot("settings");
  });
});

describe("first run on the pantry's server", () => {
  it("tests the server before keeping it: each mistake at its field, no answer within 3 seconds, a real server answers", async () => {
    const dataDir = freshDataDir();
    const app = await launch(dataDir, "Set up your pantry");
    await (await app.element(`//label[normalize-space()="On the pantry's server"]/input`)).click();
    // The pantry's own settings are the server's: not asked for here.
    expect(await app.driver.findElements(By.xpath(`//label[normalize-space()="Pantry name"]`))).toHaveLength(0);

    // A server on another computer without its CA certificate: refused at the field.
    await app.fill("Server", "db.example.org");
    await app.fill("User", "pantry_app");
    await app.click("Test the connection");
    expect(await app.fieldError("CA certificate")).toContain("encrypted link");
    await app.fill("Port", "99999");
    await app.click("Test the connection");
    expect(await app.fieldError("Port")).toContain("1 to 65535");

    // A server that does not answer is said within 3 seconds; the window never freezes.
    const ca = join(dataDir, "ca.crt");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nnot a real one\n-----END CERTIFICATE-----\n");
    await app.fill("Server", "10.255.255.1");
    await app.fill("Port", "5432");
    await app.fill("CA certificate", ca);
    const asked = Date.now();
    await app.click("Test the connection");
    await app.containing("cannot be used");
    expect(Date.now() - asked).toBeLessThan(4000);

    // The real server, on this computer: it answers, and nothing is kept until "Connect".
    const url = new URL(serverDatabase().app);
    await app.fill("Server", url.hostname);
    await app.fill("Port", url.port);
    await app.fill("Database", url.pathname.slice(1));
    await app.fill("User", decodeURIComponent(url.username));
    await app.fill("Password", decodeURIComponent(url.password));
    await app.fill("CA certificate", "");
    await app.click("Test the connection");
    await app.containing(`The server answered: postgres://${url.username}@${url.hostname}:${url.port}${url.pathname}`);
    expect(existsSync(join(dataDir, "server.json"))).toBe(false);
    await app.screenshot("setup-server-answered");
  });
});

describe("a desk on the pantry's server", () => {
  it("sets the server's pantry up at the first desk and shows in Settings where the database is", async () => {
    const app = await launch(serverDataDir(), "Set up your pantry");
    await app.containing("This pantry's database is on its server");
    await fillSetup(app);
    await app.click("Save and start");
    await app.heading("Counter");
    await app.click("Settings");
    await app.heading("Settings");
    await app.containing("On the pantry's server (PostgreSQL)");
    const link = await app.text("Not encrypted: the server is on this computer");
    await app.driver.executeScript("arguments[0].scrollIntoView()", link);
    await app.screenshot("settings-on-server");
  });

  it("says at once when the server does not answer, and offers to try again or use this laptop", async () => {
    const asked = Date.now();
    const app = await launch(serverDataDir("postgres://pantry_app:secret-pw@localhost:1/pantry"), "Pantry could not open its database");
    expect(Date.now() - asked).toBeLessThan(15_000);
    const said = await (await app.containing("cannot be used")).getText();
    expect(said).toContain("postgres://pantry_app@localhost:1/pantry");
    expect(said).not.toContain("secret-pw");
    await app.button("Try again");
    await app.click("Use this laptop instead…");
    await app.containing("Pantry forgets the server's details");
    await app.button("Forget the server and restart");
    await app.screenshot("server-unreachable");
  });
});
