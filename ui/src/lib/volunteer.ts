// The name of the volunteer at this laptop, remembered between screens and restarts
// (until volunteer sign-in replaces it).
const KEY = "pantry.volunteer";

export function rememberedVolunteer(): string {
  return globalThis.localStorage?.getItem(KEY) ?? "";
}

export function rememberVolunteer(name: string): void {
  globalThis.localStorage?.setItem(KEY, name.trim());
}
