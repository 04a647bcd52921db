import { describe, expect, it } from "vitest";
import { clearChanged, described, errorId, hintId } from "./field";
import { Task } from "./task.svelte";

describe("described", () => {
  it("links a control in error to its message and marks it invalid", () => {
    expect(described("backup-folder", "That folder does not exist.")).toEqual({
      "aria-invalid": "true",
      "aria-describedby": "backup-folder-error",
    });
    expect(errorId("backup-folder")).toBe("backup-folder-error");
  });

  it("says nothing about a control that is right and has no hint", () => {
    expect(described("backup-folder", undefined)).toEqual({ "aria-invalid": undefined, "aria-describedby": undefined });
    expect(described("backup-folder", "")).toEqual({ "aria-invalid": undefined, "aria-describedby": undefined });
  });

  it("links the hint always, and the message too while in error", () => {
    expect(described("settings-shortCode", null, true)["aria-describedby"]).toBe("settings-shortCode-hint");
    expect(described("settings-shortCode", "Use 2 to 10 letters.", true)["aria-describedby"]).toBe(
      "settings-shortCode-hint settings-shortCode-error",
    );
    expect(hintId("settings-shortCode")).toBe("settings-shortCode-hint");
  });
});

describe("several messages", () => {
  it("count as an error when there is at least one", () => {
    expect(described("counter-item", ["Beans: 1 of 3"])["aria-invalid"]).toBe("true");
    expect(described("counter-item", [])).toEqual({ "aria-invalid": undefined, "aria-describedby": undefined });
  });
});

describe("clearChanged", () => {
  it("takes away the message of the field whose control changed, and only that one", () => {
    const task = new Task();
    task.fail("Please correct the 2 highlighted fields.", { "members.0.firstName": "Enter a first name.", postcode: "Enter a UK postcode." });
    const changed = clearChanged(task, (field) => `household-${field.replaceAll(".", "-")}`);
    const input = document.createElement("input");
    input.id = "household-members-0-firstName";
    input.addEventListener("input", changed);
    input.dispatchEvent(new Event("input"));
    expect(task.fields).toEqual({ postcode: "Enter a UK postcode." });
    expect(task.problem).toBe("Please correct the 2 highlighted fields.");
    input.id = "household-postcode";
    input.dispatchEvent(new Event("input"));
    expect(task.error).toBeNull();
  });
});
