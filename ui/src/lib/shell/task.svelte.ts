// One action a screen runs against the library (save, load, back up…): whether it is
// running, and what went wrong the last time, as the library said it. Screens' state
// classes hold one per independent action and render `busy`, `problem` and `fields`.
import { ApiError } from "../api";

/** A failed action, as `ApiError` reports it: the kind, one message and each field's own. */
export type TaskError = {
  kind: ApiError["kind"];
  /** For the whole form (may be empty when only fields are wrong). */
  message: string;
  /** Each wrong field's message, by the wire's field name (`members.0.firstName`). */
  fields: Record<string, string>;
  /** For `notEligible`: every reason that applies. */
  reasons: string[];
  /** For `insufficientStock`: one message per short item. */
  shortages: string[];
};

export function taskError(thrown: unknown): TaskError {
  const error = ApiError.from(thrown);
  return {
    kind: error.kind,
    message: error.message,
    fields: Object.fromEntries(error.fields.map((f) => [f.field, f.message])),
    reasons: error.reasons,
    shortages: error.shortages.map((s) => s.message),
  };
}

export class Task {
  /** True while the action runs; a second `run` meanwhile does nothing. */
  busy = $state(false);
  /** What went wrong the last time (null after it worked, and while it runs again). */
  error = $state<TaskError | null>(null);

  /** The message for the whole form, if any. */
  get problem(): string | null {
    return this.error?.message || null;
  }

  /** Each wrong field's message, by field name (empty when none is wrong). */
  get fields(): Record<string, string> {
    return this.error?.fields ?? {};
  }

  /** The message for one field, if it is wrong. */
  field(name: string): string | undefined {
    return this.error?.fields[name];
  }

  /**
   * Runs `action` unless it is already running. Returns true when it finished; false
   * when it failed (the failure is in `error`) or was already running.
   */
  async run(action: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await action();
      return true;
    } catch (thrown) {
      this.error = taskError(thrown);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** A failure found before asking the library (e.g. two PINs that differ). */
  fail(message: string, fields: Record<string, string> = {}): void {
    this.error = { kind: "validation", message, fields, reasons: [], shortages: [] };
  }

  /**
   * The volunteer changed this field: its message goes (the library checks it again on the
   * next save). When no field is left wrong, a validation failure goes altogether.
   */
  clearField(name: string): void {
    const error = this.error;
    if (!error || !(name in error.fields)) return;
    const fields = { ...error.fields };
    delete fields[name];
    this.error = error.kind === "validation" && Object.keys(fields).length === 0 ? null : { ...error, fields };
  }

  clear(): void {
    this.error = null;
  }
}
