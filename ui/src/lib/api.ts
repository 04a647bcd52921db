// Typed wrappers over the desktop app's commands. Components call these, never `invoke`.
import { invoke } from "@tauri-apps/api/core";
import type { AppStatus } from "./bindings/AppStatus";
import type { ErrorKind } from "./bindings/ErrorKind";
import type { FieldError } from "./bindings/FieldError";
import type { Settings } from "./bindings/Settings";
import type { SettingsForm } from "./bindings/SettingsForm";
import type { WireError } from "./bindings/WireError";

/** A failed command, as the library reported it. */
export class ApiError extends Error {
  readonly kind: ErrorKind | "unexpected";
  readonly fields: FieldError[];
  readonly reasons: string[];

  constructor(wire: WireError | { kind: "unexpected"; message: string }) {
    super(wire.message);
    this.kind = wire.kind;
    this.fields = "fields" in wire ? (wire.fields ?? []) : [];
    this.reasons = "reasons" in wire ? (wire.reasons ?? []) : [];
  }

  static from(thrown: unknown): ApiError {
    if (isWireError(thrown)) return new ApiError(thrown);
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    return new ApiError({
      kind: "unexpected",
      message: `Something went wrong inside Pantry (${detail}). Nothing was saved; please try again.`,
    });
  }

  /** The message for one form field, if that field is wrong. */
  forField(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

function isWireError(value: unknown): value is WireError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as WireError).kind === "string" &&
    typeof (value as WireError).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw ApiError.from(thrown);
  }
}

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  settingsGet: () => call<Settings | null>("settings_get"),
  settingsForm: () => call<SettingsForm>("settings_form"),
  settingsSave: (form: SettingsForm) => call<Settings>("settings_save", { form }),
  settingsTimeZones: () => call<string[]>("settings_time_zones"),
};
