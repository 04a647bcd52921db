// Registering with likely duplicates: never a dead end. The form stays usable, the reason
// typed is kept, and registering goes ahead only for the duplicates the volunteer has seen.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { HouseholdForm } from "../bindings/HouseholdForm";
import { HouseholdFormState } from "./household-form.svelte";

afterEach(() => clearMocks());

const blank: HouseholdForm = {
  membershipNumber: "",
  leadName: "Chidi Okonkwo",
  adults: "1",
  children: "0",
  postcode: "OL8 1ZZ",
  neighbourhoodId: null,
  landlordTenant: false,
  tenancyRef: "",
  phone: "",
  email: "",
  dietary: [],
  allergies: [],
  dietaryNotes: "",
  notes: "",
  members: [],
  consentGiven: false,
  joinedOn: "",
  language: "en",
};

const candidate = (id: number, leadName: string) => ({
  household: { id, leadName, membershipNumber: `0000000${id}`, postcode: "OL8 1ZZ" },
  reasons: ["Same surname and postcode"],
});

const consentMissing = {
  kind: "validation",
  message: "Please correct the highlighted field.",
  fields: [{ field: "consentGiven", message: "Read the consent statement to the member and tick the box." }],
};

describe("HouseholdFormState", () => {
  it("shows likely duplicates first, then lets consent be ticked and registers with the reason", async () => {
    const registered: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "households_duplicates") return [candidate(7, "Ngozi Okonkwo")];
      if (cmd === "households_register") {
        const { form, duplicateReason } = args as { form: HouseholdForm; duplicateReason: string | null };
        if (!form.consentGiven) throw consentMissing;
        registered.push(duplicateReason);
        return { id: 301, leadName: form.leadName };
      }
    });
    const form = new HouseholdFormState(blank, null);
    expect(await form.save()).toBeNull();
    expect(form.checkedDuplicates).toBe(true);
    expect(form.duplicates.map((d) => d.household.id)).toEqual([7]);
    expect(registered).toEqual([]);

    form.duplicateReason = "Brother, lives in the same flat";
    expect(await form.save()).toBeNull();
    expect(form.errors.consentGiven).toMatch(/tick the box/);
    // Still showing the duplicates and the reason, with the consent box to tick.
    expect(form.checkedDuplicates).toBe(true);
    expect(form.duplicateReason).toBe("Brother, lives in the same flat");

    form.values!.consentGiven = true;
    form.task.clearField("consentGiven");
    expect(form.errors).toEqual({});
    expect(await form.save()).toMatchObject({ id: 301 });
    expect(registered).toEqual(["Brother, lives in the same flat"]);
  });

  it("keeps the reason typed when the volunteer goes back to change the details", async () => {
    mockIPC((cmd) => {
      if (cmd === "households_duplicates") return [candidate(7, "Ngozi Okonkwo")];
    });
    const form = new HouseholdFormState(blank, null);
    await form.save();
    form.duplicateReason = "Brother, lives in the same flat";
    form.reconsider();
    expect(form.checkedDuplicates).toBe(false);
    expect(form.duplicates).toEqual([]);
    expect(form.duplicateReason).toBe("Brother, lives in the same flat");
    await form.save();
    expect(form.checkedDuplicates).toBe(true);
    expect(form.duplicateReason).toBe("Brother, lives in the same flat");
  });

  it("shows new likely duplicates after the details changed, and registers nothing until they are seen", async () => {
    let found = [candidate(7, "Ngozi Okonkwo")];
    const registered: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "households_duplicates") return found;
      if (cmd === "households_register") {
        registered.push((args as { duplicateReason: string | null }).duplicateReason);
        return { id: 301 };
      }
    });
    const form = new HouseholdFormState(blank, null);
    await form.save();
    form.duplicateReason = "Brother";
    form.values!.phone = "0161 496 0000";
    found = [candidate(7, "Ngozi Okonkwo"), candidate(9, "Ada Obi")];
    expect(await form.save()).toBeNull();
    expect(registered).toEqual([]);
    expect(form.duplicates.map((d) => d.household.id)).toEqual([7, 9]);
    expect(await form.save()).toMatchObject({ id: 301 });
    expect(registered).toEqual(["Brother"]);
  });

  it("registers without a reason when the changed details match nobody any more", async () => {
    let found = [candidate(7, "Ngozi Okonkwo")];
    const registered: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "households_duplicates") return found;
      if (cmd === "households_register") {
        registered.push((args as { duplicateReason: string | null }).duplicateReason);
        return { id: 301 };
      }
    });
    const form = new HouseholdFormState(blank, null);
    await form.save();
    form.duplicateReason = "Typo?";
    found = [];
    expect(await form.save()).toMatchObject({ id: 301 });
    expect(registered).toEqual([null]);
  });
});
