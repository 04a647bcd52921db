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

  /** Saves. When registering, first shows likely duplicates; a reason is needed to go on. */
  async save(): Promise<Household | null> {
    if (!this.values) return null;
    const form = $state.snapshot(this.values);
    let saved: Household | null = null;
    await this.task.run(async () => {
      if (this.registering && !this.checkedDuplicates) {
        this.duplicates = await api.householdsDuplicates(form, null);
        if (this.duplicates.length > 0) {
          this.checkedDuplicates = true;
          return;
        }
      }
      saved = this.registering
        ? await api.householdsRegister(form, this.duplicates.length > 0 ? this.duplicateReason : null)
        : await api.householdsUpdate(this.id ?? 0, form);
    });
    return saved;
  }

  /** Back to the form after seeing duplicates (e.g. to correct a typo). */
  reconsider(): void {
    this.checkedDuplicates = false;
    this.duplicates = [];
    this.duplicateReason = "";
  }
}
