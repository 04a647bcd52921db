// The Member languages panel's state: what it shows, what it sends, errors by field.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { MemberTextSettings } from "../bindings/MemberTextSettings";
import { LanguagesState } from "./languages.svelte";

afterEach(() => clearMocks());

const stored: MemberTextSettings = {
  languages: [
    { code: "en", englishName: "English", nativeName: "English", checked: true, switchedOn: true },
    { code: "bn", englishName: "Bengali", nativeName: "বাংলা", checked: false, switchedOn: false },
    { code: "ur", englishName: "Urdu", nativeName: "اردو", checked: false, switchedOn: true },
  ],
  openingTimes: "Tuesday 10am to 1pm",
};

describe("LanguagesState", () => {
  it("ticks the languages switched on, then sends the ones ticked and the opening times", async () => {
    let sent: unknown;
    mockIPC((cmd, args) => {
      if (cmd === "languages_settings") return stored;
      if (cmd === "languages_save_settings") {
        sent = args;
        return {
          ...stored,
          languages: stored.languages.map((l) => ({ ...l, switchedOn: l.code !== "ur" })),
          openingTimes: "Friday",
        };
      }
    });
    let changes = 0;
    const languages = new LanguagesState(() => changes++);
    await languages.load();
    expect(languages.chosen).toEqual(["en", "ur"]);
    expect(languages.openingTimes).toBe("Tuesday 10am to 1pm");
    languages.toggle("bn", true);
    languages.toggle("ur", false);
    languages.openingTimes = "Friday";
    expect(await languages.save()).toBe(true);
    expect(sent).toEqual({ form: { languages: ["en", "bn"], openingTimes: "Friday" } });
    expect(languages.notice).toBe("Member languages saved.");
    expect(languages.chosen).toEqual(["en", "bn"]);
    expect(changes).toBe(1);
  });

  it("puts the library's message beside the opening times", async () => {
    mockIPC((cmd) => {
      if (cmd === "languages_settings") return stored;
      if (cmd === "languages_save_settings") {
        throw { kind: "validation", message: "Please correct the highlighted field.", fields: [{ field: "openingTimes", message: "Keep the opening times to 200 characters or fewer." }] };
      }
    });
    const languages = new LanguagesState();
    await languages.load();
    expect(await languages.save()).toBe(false);
    expect(languages.task.field("openingTimes")).toMatch(/200 characters/);
    expect(languages.notice).toBeNull();
  });
});
