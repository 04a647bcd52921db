// Drives the real Pantry desktop app over WebDriver: tauri-driver + WebKitWebDriver, under Xvfb.
// Each App gets its own tauri-driver on free ports and a data directory of its own.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Builder, By, Key, until, type WebDriver, type WebElement } from "selenium-webdriver";

const ROOT = resolve(import.meta.dirname, "..", "..");
// The test pantries' database keys: one folder for the run, never the user's own key store
// (the app and the CLI both read PANTRY_KEY_DIR; each key is named for its database's path).
process.env.PANTRY_KEY_DIR ??= mkdtempSync(join(tmpdir(), "pantry-e2e-keys-"));

export const APP_BINARY = process.env.PANTRY_APP ?? join(ROOT, "target", "debug", "pantry-desktop");
const ARTIFACTS = join(import.meta.dirname, "artifacts");
const WAIT_MS = 15_000;

export const CLI_BINARY = join(ROOT, "target", "debug", "pantry");

/**
 * With PANTRY_E2E_ON_SERVER set (`make e2e` runs the counter and members tests so, beside a
 * throwaway PostgreSQL that PANTRY_TEST_POSTGRES names), each data directory's pantry lives
 * in a database of its own on that server, made as the README tells an admin: the app and
 * the CLI connect to it as the app's role (PANTRY_DATABASE_URL).
 */
const CLUSTER = process.env.PANTRY_E2E_ON_SERVER ? process.env.PANTRY_TEST_POSTGRES : undefined;
if (process.env.PANTRY_E2E_ON_SERVER && !CLUSTER) {
  throw new Error("PANTRY_E2E_ON_SERVER needs PANTRY_TEST_POSTGRES (run it through `make e2e`)");
}
const APP_ROLE = "pantry_app";
const APP_PASSWORD = "app-password-for-e2e";
/** Each server data directory's database: the owner's and the app role's addresses. */
const SERVER_OF = new Map<string, { owner: string; app: string }>();

/** The run's first database, migrated by `pantry migrate`: each test's is a copy of it. */
let template: string | undefined;
/** Demo pantries already on the server, by the `demo-data` arguments that made them. */
const DEMO_TEMPLATES = new Map<string, string>();

function sql(statement: string): void {
  execFileSync("psql", [CLUSTER ?? process.env.PANTRY_TEST_POSTGRES ?? "", "-q", "-v", "ON_ERROR_STOP=1", "-c", statement]);
}

/**
 * A new database on the test server, with Pantry's schema and the app's role: the first
 * made as the README tells an admin (`pantry migrate --app-role`), the others copied from it
 * (or from the database named `from`, e.g. a demo pantry's).
 */
export function serverDatabase(from?: string): { name: string; owner: string; app: string } {
  const cluster = process.env.PANTRY_TEST_POSTGRES;
  if (!cluster) throw new Error("PANTRY_TEST_POSTGRES is not set: run the tests through `make e2e`, which starts a PostgreSQL server");
  const base = cluster.slice(0, cluster.lastIndexOf("/"));
  const host = base.slice(base.lastIndexOf("@") + 1);
  const name = `pantry_e2e_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  if (!template) {
    sql(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`);
    sql(`DO $$ BEGIN CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_PASSWORD}'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    execFileSync(CLI_BINARY, ["--database", `${base}/${name}`, "migrate", "--app-role", APP_ROLE]);
    template = `${name}_template`;
    sql(`CREATE DATABASE ${template} TEMPLATE ${name}`);
  } else {
    sql(`CREATE DATABASE ${name} TEMPLATE ${from ?? template}`);
  }
  return { name, owner: `${base}/${name}`, app: `postgres://${APP_ROLE}:${APP_PASSWORD}@${host}/${name}` };
}

/**
 * A data directory whose pantry is on the test server, in a new database (or at `app`, an
 * address given as is, e.g. one that does not answer), whatever PANTRY_E2E_ON_SERVER says.
 */
export function serverDataDir(app?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pantry-e2e-"));
  SERVER_OF.set(dir, app ? { owner: app, app } : serverDatabase());
  return dir;
}

/** Whether the tests run against the server. */
export const ON_SERVER = CLUSTER !== undefined;

export function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pantry-e2e-"));
  if (CLUSTER) SERVER_OF.set(dir, serverDatabase());
  return dir;
}

/**
 * A data directory holding a synthetic demo pantry, made by the real `pantry` CLI. On the
 * server, the first pantry made with the same arguments is made on a laptop's database and
 * copied there by `copy-to-server`; the next ones are copies of that database.
 */
export function demoDataDir(households: number, ...options: string[]): string {
  return demoPantry(CLUSTER !== undefined, households, ...options);
}

/** The same demo pantry on the test server, whatever PANTRY_E2E_ON_SERVER says. */
export function demoServerDataDir(households: number, ...options: string[]): string {
  return demoPantry(true, households, ...options);
}

function demoPantry(onServer: boolean, households: number, ...options: string[]): string {
  // Demo visits end yesterday, so today at the counter starts empty.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const demo = ["demo-data", "--households", String(households), "--weeks", "4", "--seed", "3", "--until", yesterday, ...options];
  if (!onServer) {
    const dir = freshDataDir();
    pantryCli(dir, ...demo);
    return dir;
  }
  const key = demo.join(" ");
  let from = DEMO_TEMPLATES.get(key);
  if (!from) {
    const laptop = mkdtempSync(join(tmpdir(), "pantry-e2e-laptop-"));
    pantryCli(laptop, ...demo);
    const made = serverDatabase();
    pantryCli(laptop, "copy-to-server", "--to", made.owner);
    rmSync(laptop, { recursive: true, force: true });
    from = `${made.name}_demo`;
    sql(`CREATE DATABASE ${from} TEMPLATE ${made.name}`);
    DEMO_TEMPLATES.set(key, from);
  }
  const dir = mkdtempSync(join(tmpdir(), "pantry-e2e-"));
  SERVER_OF.set(dir, serverDatabase(from));
  return dir;
}

/** Another desk's data directory (another computer) on the same server database as `dataDir`'s. */
export function anotherDesk(dataDir: string): string {
  const server = SERVER_OF.get(dataDir);
  if (!server) throw new Error(`${dataDir}'s pantry is not on the server`);
  const dir = mkdtempSync(join(tmpdir(), "pantry-e2e-desk-"));
  SERVER_OF.set(dir, server);
  return dir;
}

/** The environment the app and the CLI get for a data directory (its server, if it has one). */
function envFor(dataDir: string): NodeJS.ProcessEnv {
  const server = SERVER_OF.get(dataDir);
  return server ? { ...process.env, PANTRY_DATABASE_URL: server.app } : { ...process.env };
}

/** Runs the real `pantry` command line on a data directory, signed in as the demo admin. */
export function pantryCli(dataDir: string, ...args: string[]): string {
  const env = { ...envFor(dataDir), PANTRY_VOLUNTEER: DEMO.admin.name, PANTRY_PIN: DEMO.admin.pin };
  return execFileSync(CLI_BINARY, ["--data-dir", dataDir, ...args], { env }).toString();
}

/** The Luhn check digit, as Pantry's numbers use. */
function luhn(digits: string): number {
  let sum = 0;
  [...digits].reverse().forEach((c, i) => {
    let d = Number(c);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  });
  return (10 - (sum % 10)) % 10;
}

/** The first card number of the household with this serial (its id). */
export function firstCardNumber(serial: number): string {
  const body = `${String(serial).padStart(7, "0")}01`;
  return `${body}${luhn(body)}`;
}

/** Whether nothing listens on `port` of the loopback now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const server = createServer();
    server.once("error", () => ok(false));
    server.listen(port, "127.0.0.1", () => server.close(() => ok(true)));
  });
}

/**
 * A free port below Linux's ephemeral range (32768 and up). A port the system handed out as
 * free could be given to an outgoing connection before WebKitWebDriver listens on it (which
 * then fails, and tauri-driver waits for ever); outgoing connections never use these.
 */
async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await isFree(port)) return port;
  }
  throw new Error("no free port for the WebDriver");
}

async function waitForDriver(port: number, driver: ChildProcess): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("tauri-driver did not start listening");
}

/** One running copy of the app. */
export class App {
  private constructor(
    readonly driver: WebDriver,
    private readonly tauriDriver: ChildProcess,
    readonly dataDir: string,
    /** Milliseconds from asking for the app to its first screen being usable. */
    readonly startMs: number,
  ) {}

  /** Starts the app; with `as`, signs in at the sign-in screen (start time is measured to it). */
  static async launch(dataDir: string, firstScreen: string, as?: Volunteer): Promise<App> {
    const port = await freePort();
    const nativePort = await freePort();
    const tauriDriver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
      stdio: ["ignore", "inherit", "inherit"],
      env: envFor(dataDir),
    });
    try {
      await waitForDriver(port, tauriDriver);
      const started = performance.now();
      const driver = await new Builder()
        .usingServer(`http://127.0.0.1:${port}/`)
        .withCapabilities({
          browserName: "wry",
          "tauri:options": { application: APP_BINARY, args: ["--data-dir", dataDir] },
        })
        .build();
      const app = new App(driver, tauriDriver, dataDir, 0);
      await app.heading(as ? "Sign in" : firstScreen);
      const ready = new App(driver, tauriDriver, dataDir, performance.now() - started);
      if (as) {
        await ready.signIn(as);
        await ready.heading(firstScreen);
      }
      return ready;
    } catch (error) {
      await stopDriver(tauriDriver);
      throw error;
    }
  }

  /** Signs in at the sign-in screen. */
  async signIn(as: Volunteer): Promise<void> {
    await this.heading("Sign in");
    await this.choose("Your name", as.name);
    await this.fill("PIN", as.pin);
    await this.click("Sign in");
  }

  /** Waits for the level-1 heading with this text. */
  async heading(text: string): Promise<WebElement> {
    return this.driver.wait(until.elementLocated(By.xpath(`//h1[normalize-space()=${xpathString(text)}]`)), WAIT_MS);
  }

  /** The form control whose <label> reads `text`, as a person finds it. */
  async field(text: string): Promise<WebElement> {
    const label = await this.driver.wait(
      until.elementLocated(By.xpath(`//label[normalize-space()=${xpathString(text)}]`)),
      WAIT_MS,
    );
    const id = await label.getAttribute("for");
    if (!id) throw new Error(`the label "${text}" is not linked to a control`);
    return this.driver.findElement(By.id(id));
  }

  /** Replaces what the control holds by typing, as a person does (lines split by Enter). */
  async fill(label: string, value: string): Promise<void> {
    const input = await this.field(label);
    await input.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
    const lines = value.split("\n");
    for (const [index, line] of lines.entries()) {
      if (index > 0) await input.sendKeys(Key.ENTER);
      if (line) await input.sendKeys(line);
    }
  }

  /** Ticks the checkbox inside the <label> that reads `text` (or starts with it). */
  async tick(text: string): Promise<void> {
    const box = await this.driver.wait(
      until.elementLocated(By.xpath(`//label[starts-with(normalize-space(), ${xpathString(text)})]//input[@type='checkbox']`)),
      WAIT_MS,
    );
    if (!(await box.isSelected())) await box.click();
  }

  /** Waits for the element an XPath finds. */
  element(xpath: string): Promise<WebElement> {
    return this.driver.wait(until.elementLocated(By.xpath(xpath)), WAIT_MS);
  }

  /** Waits for a table row whose cells include all these texts. */
  row(...cells: string[]): Promise<WebElement> {
    const tests = cells.map((c) => `td[normalize-space()=${xpathString(c)}]`).join(" and ");
    return this.driver.wait(until.elementLocated(By.xpath(`//tr[${tests}]`)), WAIT_MS);
  }

  /** Waits until some element's text contains `text`. */
  containing(text: string): Promise<WebElement> {
    return this.driver.wait(
      until.elementLocated(By.xpath(`//*[contains(normalize-space(), ${xpathString(text)}) and not(*[contains(normalize-space(), ${xpathString(text)})])]`)),
      WAIT_MS,
    );
  }

  /** Chooses the option with this visible text in the <select> labelled `label`. */
  async choose(label: string, option: string): Promise<void> {
    const select = await this.field(label);
    await select.findElement(By.xpath(`./option[normalize-space()=${xpathString(option)}]`)).click();
  }

  async value(label: string): Promise<string> {
    return (await (await this.field(label)).getAttribute("value")) ?? "";
  }

  button(name: string): Promise<WebElement> {
    return this.driver.wait(
      until.elementLocated(By.xpath(`//button[normalize-space()=${xpathString(name)}]`)),
      WAIT_MS,
    );
  }

  async click(name: string): Promise<void> {
    await (await this.button(name)).click();
  }

  /** Waits until some element shows exactly this text, and returns it. */
  text(text: string): Promise<WebElement> {
    return this.driver.wait(
      until.elementLocated(By.xpath(`//*[normalize-space()=${xpathString(text)}]`)),
      WAIT_MS,
    );
  }

  /** The message shown next to a field (linked by aria-describedby). */
  async fieldError(label: string): Promise<string> {
    const input = await this.field(label);
    await this.driver.wait(async () => (await input.getAttribute("aria-invalid")) === "true", WAIT_MS);
    const ids = (await input.getAttribute("aria-describedby")) ?? "";
    const errorId = ids.split(" ").find((id) => id.endsWith("-error"));
    if (!errorId) throw new Error(`no error is linked to "${label}"`);
    return this.driver.findElement(By.id(errorId)).getText();
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    writeFileSync(file, await this.driver.takeScreenshot(), "base64");
    return file;
  }

  async quit(): Promise<void> {
    try {
      await this.driver.quit();
    } finally {
      await stopDriver(this.tauriDriver);
    }
  }
}

/** SIGTERM, not SIGKILL: a killed tauri-driver leaves WebKitWebDriver holding its port. */
function stopDriver(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.once("exit", () => ok());
    child.kill("SIGTERM");
  });
}

function xpathString(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat('${text.split("'").join(`', "'", '`)}')`;
}

/** The app the current test drives, and any other desks it started; `stopAfterTest` quits them. */
export const current: { app?: App; others: App[] } = { others: [] };

/** Someone who signs in. */
export type Volunteer = { name: string; pin: string };

/** The demo pantry's volunteers (`pantry demo-data`), by role. */
export const DEMO = {
  counter: { name: "Sam", pin: "1111" },
  manager: { name: "Pat", pin: "2222" },
  admin: { name: "Alex", pin: "3333" },
} satisfies Record<string, Volunteer>;

/** Launches the app for the current test, signing in as `as` (none for first-run setup). */
export async function launch(dataDir: string, firstScreen: string, as?: Volunteer): Promise<App> {
  current.app = await App.launch(dataDir, firstScreen, as);
  return current.app;
}

/** Launches the app at another desk beside the current test's (quit with it). */
export async function launchAnother(dataDir: string, firstScreen: string, as?: Volunteer): Promise<App> {
  const app = await App.launch(dataDir, firstScreen, as);
  current.others.push(app);
  return app;
}

/** After each test: a screenshot if it failed, then the app and its driver are stopped. */
export async function stopAfterTest(task: { name: string; result?: { state?: string } }): Promise<void> {
  for (const other of current.others.splice(0)) {
    if (task.result?.state === "fail") await other.screenshot(`failed-${task.name}-other-desk`).catch(() => "");
    await other.quit();
    rmSync(other.dataDir, { recursive: true, force: true });
  }
  const app = current.app;
  current.app = undefined;
  if (!app) return;
  const failed = task.result?.state === "fail";
  // A pantry on the server never gets a laptop database beside it: the test ran on the server.
  if (SERVER_OF.has(app.dataDir) && existsSync(join(app.dataDir, "pantry.sqlite3"))) {
    await app.quit();
    throw new Error(`the app made a laptop database in ${app.dataDir} although its pantry is on the server`);
  }
  if (failed) {
    const file = await app.screenshot(`failed-${task.name}`).catch((e) => `(no screenshot: ${e})`);
    console.error(`Screenshot of the failure: ${file}; its data directory is kept: ${app.dataDir}`);
  }
  await app.quit();
  if (!failed) rmSync(app.dataDir, { recursive: true, force: true });
}
