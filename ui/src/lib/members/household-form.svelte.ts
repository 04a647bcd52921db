// The registration / edit form: values as typed, errors by field, and the duplicate check.
import { api } from "../api";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { Household } from "../bindings/Household";
import type { HouseholdForm } from "../bindings/HouseholdForm";
import { Task } from "../shell/task.svelte";

export class HouseholdFormState {
  values = $state<HouseholdForm>();
  /** Saving: busy, and the last failure with each field's message. */
  readonly task = new Task();
  /** Likely duplicates found before registering; shown for the volunteer to decide. */
  duplicates = $state<DuplicateCandidate[]>([]);
  duplicateReason = $state("");
  checkedDuplicates = $state(false);

  constructor(
    initial: HouseholdForm,
    /** The household being edited, or null when registering. */
    readonly id: number | null,
  ) {
    this.values = $state.snapshot(initial);
  }

  /** Each wrong field's message, by field name (`members.0.firstName`). */
  get errors(): Record<string, string> {
    return this.task.fields;
  }

  get problem(): string | null {
    return this.task.problem;
  }

  get saving(): boolean {
    return this.task.busy;
  }

  get registering(): boolean {
    return this.id === null;
  }

  addMember(): void {
    this.values?.members.push({ firstName: "", birthYear: "" });
  }

  removeMember(index: number): void {
    this.values?.members.splice(index, 1);
    // The people after it move up: their messages no longer belong beside those boxes.
    for (const field of Object.keys(this.task.fields)) if (field.startsWith("members.")) this.task.clearField(field);
  }

  /** Fills the neighbourhood from the postcode's district when none is chosen yet. */
  async suggestNeighbourhood(): Promise<void> {
    if (!this.values || this.values.neighbourhoodId !== null || !this.values.postcode.trim()) return;
    try {
      const suggested = await api.householdsSuggestNeighbourhood(this.values.postcode);
      if (suggested !== null && this.values.neighbourhoodId === null) this.values.neighbourhoodId = suggested;
    } catch {
      // A suggestion is only a help; the volunteer can still choose.
    }
  }

  /**
   * Saves. When registering, first asks for likely duplicates of the details as they are now:
   * new ones are shown for the volunteer to decide (and nothing is saved); once the same ones
   * have been seen, the reason typed goes with the registration. The form stays usable
   * meanwhile, so consent can still be ticked or a typo corrected.
   */
  async save(): Promise<Household | null> {
    if (!this.values) return null;
    const form = $state.snapshot(this.values);
    let saved: Household | null = null;
    await this.task.run(async () => {
      if (this.registering) {
        const found = await api.householdsDuplicates(form, null);
        const seen = this.checkedDuplicates && sameHouseholds(found, this.duplicates);
        this.duplicates = found;
        this.checkedDuplicates = found.length > 0;
        if (found.length > 0 && !seen) return;
      }
      saved = this.registering
        ? await api.householdsRegister(form, this.duplicates.length > 0 ? this.duplicateReason : null)
        : await api.householdsUpdate(this.id ?? 0, form);
    });
    return saved;
  }

  /** Back to the form after seeing duplicates (e.g. to correct a typo); the reason typed is kept. */
  reconsider(): void {
    this.checkedDuplicates = false;
    this.duplicates = [];
    this.task.clearField("duplicateReason");
  }
}

/** Whether two lists of likely duplicates name the same households. */
function sameHouseholds(a: DuplicateCandidate[], b: DuplicateCandidate[]): boolean {
  const ids = (list: DuplicateCandidate[]) => list.map((d) => d.household.id).sort((x, y) => x - y).join(",");
  return ids(a) === ids(b);
}
