// Links a form control to its hint and its error message, the same way on every screen:
// the message is `<id>-error`, the hint `<id>-hint`, and the control says it is invalid.
// Render the message with FieldError.svelte; spread `described(…)` onto the control.

/** The id of the error message under the control with this id. */
export const errorId = (control: string): string => `${control}-error`;

/** The id of the hint under the control with this id. */
export const hintId = (control: string): string => `${control}-hint`;

/** One message, or several (e.g. one per item short of stock); empty or missing is none. */
export type FieldMessage = string | readonly string[] | null | undefined;

/** Whether there is anything to say. */
export const hasMessage = (message: FieldMessage): boolean =>
  typeof message === "string" ? message.length > 0 : (message?.length ?? 0) > 0;

export type Described = { "aria-invalid": "true" | undefined; "aria-describedby": string | undefined };

/**
 * The ARIA attributes of a control: `aria-invalid="true"` and a link to its message while
 * `error` is set, and a link to its hint when it has one (`<p id={hintId(control)}>`).
 */
export function described(control: string, error: FieldMessage, hint = false): Described {
  const invalid = hasMessage(error);
  const ids = [hint ? hintId(control) : "", invalid ? errorId(control) : ""].filter(Boolean);
  return {
    "aria-invalid": invalid ? "true" : undefined,
    "aria-describedby": ids.length > 0 ? ids.join(" ") : undefined,
  };
}

/** Anything holding each wrong field's message by name (a `Task`). */
export type ClearsFields = { readonly fields: Record<string, string>; clearField(name: string): void };

/**
 * A form's `oninput` and `onchange`: the message of the field whose control was changed goes
 * at once. `control` gives a field's control id (`members.0.firstName` → `household-members-0-firstName`).
 */
export function clearChanged(task: ClearsFields, control: (field: string) => string): (event: Event) => void {
  return (event) => {
    const id = (event.target as Element | null)?.id;
    if (!id) return;
    for (const field of Object.keys(task.fields)) if (control(field) === id) task.clearField(field);
  };
}
