import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { api, ApiError } from "../api";
import { Task } from "./task.svelte";

afterEach(() => clearMocks());

/** A promise the test settles when it chooses. */
function gate(): { promise: Promise<void>; open: () => void; fail: (e: unknown) => void } {
  let open!: () => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe("Task", () => {
  it("is busy while the action runs, and not after", async () => {
    const task = new Task();
    const g = gate();
    expect(task.busy).toBe(false);
    const running = task.run(() => g.promise);
    expect(task.busy).toBe(true);
    g.open();
    expect(await running).toBe(true);
    expect(task.busy).toBe(false);
    expect(task.error).toBeNull();
  });

  it("is not busy after a failure either", async () => {
    const task = new Task();
    expect(await task.run(async () => { throw new Error("boom"); })).toBe(false);
    expect(task.busy).toBe(false);
  });

  it("captures the library's error: kind, message and each field's message", async () => {
    mockIPC((cmd) => {
      if (cmd === "backups_save_settings") {
        throw {
          kind: "validation",
          message: "Please correct the 2 highlighted fields.",
          fields: [
            { field: "folder", message: "That folder does not exist." },
            { field: "kept", message: "Keep between 1 and 100 backups." },
          ],
        };
      }
    });
    const task = new Task();
    const ok = await task.run(async () => { await api.backupsSaveSettings("/nowhere", "0"); });
    expect(ok).toBe(false);
    expect(task.error?.kind).toBe("validation");
    expect(task.problem).toBe("Please correct the 2 highlighted fields.");
    expect(task.fields).toEqual({ folder: "That folder does not exist.", kept: "Keep between 1 and 100 backups." });
    expect(task.field("kept")).toBe("Keep between 1 and 100 backups.");
    expect(task.field("folder")).toBe("That folder does not exist.");
    expect(task.field("other")).toBeUndefined();
  });

  it("keeps reasons and shortages", async () => {
    const task = new Task();
    await task.run(async () => {
      throw new ApiError({
        kind: "insufficientStock",
        message: "Not enough stock.",
        shortages: [{ itemId: 1, item: "Beans", wanted: 3, available: 1, pastUseBy: 0, message: "Beans: 1 of 3" }],
      });
    });
    expect(task.error?.kind).toBe("insufficientStock");
    expect(task.error?.shortages).toEqual(["Beans: 1 of 3"]);
    expect(task.fields).toEqual({});
  });

  it("turns an unexpected failure into a plain message", async () => {
    const task = new Task();
    await task.run(async () => { throw new Error("socket closed"); });
    expect(task.error?.kind).toBe("unexpected");
    expect(task.problem).toMatch(/Something went wrong inside Pantry \(socket closed\)\. Nothing was saved/);
  });

  it("clears the last error when it runs again, and after it works", async () => {
    const task = new Task();
    await task.run(async () => { throw new Error("first"); });
    expect(task.problem).not.toBeNull();
    const g = gate();
    const running = task.run(() => g.promise);
    expect(task.error).toBeNull();
    g.open();
    await running;
    expect(task.problem).toBeNull();
    expect(task.fields).toEqual({});
  });

  it("never runs twice at once", async () => {
    const task = new Task();
    const g = gate();
    let runs = 0;
    const first = task.run(async () => { runs++; await g.promise; });
    const second = await task.run(async () => { runs++; });
    expect(second).toBe(false);
    expect(runs).toBe(1);
    expect(task.busy).toBe(true);
    g.open();
    expect(await first).toBe(true);
    expect(await task.run(async () => { runs++; })).toBe(true);
    expect(runs).toBe(2);
  });

  it("a refused second run leaves the first run's outcome alone", async () => {
    const task = new Task();
    const g = gate();
    const first = task.run(() => g.promise);
    await task.run(async () => { throw new Error("never thrown"); });
    g.fail({ kind: "conflict", message: "Someone else changed it." });
    expect(await first).toBe(false);
    expect(task.problem).toBe("Someone else changed it.");
  });

  it("records a failure found before asking the library, and clears it", () => {
    const task = new Task();
    task.fail("The two PINs are not the same.", { pinAgain: "The two PINs are not the same." });
    expect(task.error?.kind).toBe("validation");
    expect(task.problem).toBe("The two PINs are not the same.");
    expect(task.field("pinAgain")).toBe("The two PINs are not the same.");
    task.fail("", { householdId: "Find the member first." });
    expect(task.problem).toBeNull();
    expect(task.field("householdId")).toBe("Find the member first.");
    task.clear();
    expect(task.error).toBeNull();
    expect(task.fields).toEqual({});
  });

  it("forgets one field's message when that field is changed", () => {
    const task = new Task();
    task.fail("Please correct the 2 highlighted fields.", { name: "Enter the pantry's name.", weeklyFee: "Enter the fee." });
    task.clearField("name");
    expect(task.fields).toEqual({ weeklyFee: "Enter the fee." });
    expect(task.problem).toBe("Please correct the 2 highlighted fields.");
    task.clearField("other");
    expect(task.fields).toEqual({ weeklyFee: "Enter the fee." });
    task.clearField("weeklyFee");
    expect(task.error).toBeNull();
  });

  it("keeps a failure that is not only about fields when its last field is changed", async () => {
    const task = new Task();
    await task.run(async () => {
      throw new ApiError({ kind: "conflict", message: "Someone else changed it." });
    });
    task.error = { ...task.error!, fields: { note: "Too long." } };
    task.clearField("note");
    expect(task.problem).toBe("Someone else changed it.");
    expect(task.fields).toEqual({});
  });
});
