// The registration / edit form: values as typed, errors by field, and the duplicate check.
import { api, ApiError } from "../api";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { Household } from "../bindings/Household";
import type { HouseholdForm } from "../bindings/HouseholdForm";

export class HouseholdFormState {
  values = $state<HouseholdForm>();
  errors = $state<Record<string, string>>({});
  problem = $state<string | null>(null);
  saving = $state(false);
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
    if (this.saving || !this.values) return null;
    this.saving = true;
    this.problem = null;
    const form = $state.snapshot(this.values);
    try {
      if (this.registering && !this.checkedDuplicates) {
        this.duplicates = await api.householdsDuplicates(form, null);
        if (this.duplicates.length > 0) {
          this.checkedDuplicates = true;
          this.errors = {};
          return null;
        }
      }
      const saved = this.registering
        ? await api.householdsRegister(form, this.duplicates.length > 0 ? this.duplicateReason : null)
        : await api.householdsUpdate(this.id ?? 0, form);
      this.errors = {};
      return saved;
    } catch (thrown) {
      const error = ApiError.from(thrown);
      this.errors = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
      this.problem = error.message;
      return null;
    } finally {
      this.saving = false;
    }
  }

  /** Back to the form after seeing duplicates (e.g. to correct a typo). */
  reconsider(): void {
    this.checkedDuplicates = false;
    this.duplicates = [];
    this.duplicateReason = "";
  }
}
