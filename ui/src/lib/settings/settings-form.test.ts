import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { SettingsForm } from "../bindings/SettingsForm";
import { SettingsFormState } from "./settings-form.svelte";

const defaults: SettingsForm = {
  name: "",
  shortCode: "",
  address: "",
  landlordName: "",
  timeZone: "Europe/London",
  weeklyFee: "3.50",
  itemsPerVisit: "10",
  visitsPerWeek: "1",
  membershipWeeks: "52",
  neighbourhoods: "",
  districts: "",
  retentionMonths: "24",
  visitRule: "week",
  weekStart: "0",
  daysBetweenVisits: "7",
  referralFollowUpDays: "14",
};

afterEach(() => clearMocks());

describe("SettingsFormState", () => {
  it("loads the form and the time zones", async () => {
    mockIPC((cmd) => {
      if (cmd === "settings_form") return defaults;
      if (cmd === "settings_time_zones") return ["Europe/London", "Europe/Dublin"];
    });
    const form = new SettingsFormState();
    await form.load();
    expect(form.loaded).toBe(true);
    expect(form.values.timeZone).toBe("Europe/London");
    expect(form.timeZones).toContain("Europe/Dublin");
  });

  it("puts each validation message beside its field and keeps what was typed", async () => {
    mockIPC((cmd) => {
      if (cmd === "settings_save") {
        throw {
          kind: "validation",
          message: "Please correct the 2 highlighted fields.",
          fields: [
            { field: "shortCode", message: "Use 2 to 10 letters or digits." },
            { field: "name", message: "Enter the pantry's name." },
          ],
        };
      }
    });
    const form = new SettingsFormState();
    form.values = { ...defaults, shortCode: "a b" };
    expect(await form.save()).toBeNull();
    expect(form.errors.name).toBe("Enter the pantry's name.");
    expect(form.errors.shortCode).toBe("Use 2 to 10 letters or digits.");
    expect(form.firstInvalid).toBe("name");
    expect(form.problem).toBe("Please correct the 2 highlighted fields.");
    expect(form.values.shortCode).toBe("a b");
    expect(form.saving).toBe(false);
  });

  it("clears old messages after a successful save", async () => {
    let sent: unknown;
    mockIPC((cmd, args) => {
      if (cmd === "settings_save") {
        sent = args;
        return { name: "Hillside Pantry" };
      }
    });
    const form = new SettingsFormState();
    form.task.fail("Please correct the highlighted field.", { name: "Enter the pantry's name." });
    form.values = { ...defaults, name: "Hillside Pantry" };
    expect(await form.save()).not.toBeNull();
    expect(form.errors).toEqual({});
    expect(form.problem).toBeNull();
    expect(form.savedAt).toBeInstanceOf(Date);
    expect(sent).toMatchObject({ form: { name: "Hillside Pantry" } });
  });

  it("sends the first admin as typed, both PINs, and shows every mistake the library names", async () => {
    let sent: unknown;
    mockIPC((cmd, args) => {
      if (cmd === "session_setup") {
        sent = (args as { admin: unknown }).admin;
        throw {
          kind: "validation",
          message: "Please correct the 2 highlighted fields.",
          fields: [
            { field: "name", message: "Enter the pantry's name." },
            { field: "adminPinAgain", message: "The two PINs are not the same." },
          ],
        };
      }
    });
    const form = new SettingsFormState();
    form.admin = { adminName: "Alex", adminPin: "1234", adminPinAgain: "4321" };
    expect(await form.save()).toBeNull();
    expect(sent).toEqual({ adminName: "Alex", adminPin: "1234", adminPinAgain: "4321" });
    expect(form.errors).toEqual({ name: "Enter the pantry's name.", adminPinAgain: "The two PINs are not the same." });
    expect(form.problem).toBe("Please correct the 2 highlighted fields.");
    expect(form.firstInvalid).toBe("name");
  });

  it("turns an unexpected failure into a plain message", async () => {
    mockIPC(() => {
      throw new Error("socket closed");
    });
    const form = new SettingsFormState();
    await form.save();
    expect(form.problem).toMatch(/Something went wrong inside Pantry .*Nothing was saved/);
  });
});
