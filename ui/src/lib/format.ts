// Display helpers: how dates and money read on screen (no rules here).

/** `2026-11-24` → `24/11/2026`. */
export function ukDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-");
  return d && m && y ? `${d}/${m}/${y}` : iso;
}

/** An RFC 3339 instant in the computer's local time, e.g. `24/11/2026 14:05`. */
export function ukDateTime(instant: string): string {
  const at = new Date(instant);
  return Number.isNaN(at.getTime())
    ? instant
    : at.toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short" });
}

/** The minus sign of a figure that is read (U+2212, not a hyphen). */
const MINUS = "\u2212";

/** Digits in threes from the right, separated by commas. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `123450` → `£1,234.50`, `-5146` → `−£51.46` (as the library's `money::pounds`). */
export function pounds(pence: number): string {
  const whole = Math.abs(Math.trunc(pence));
  const sign = pence < 0 ? MINUS : "";
  return `${sign}£${grouped(Math.floor(whole / 100))}.${String(whole % 100).padStart(2, "0")}`;
}

/** `13571` → `13,571`, `-1200` → `−1,200` (as the library's `money::count`). */
export function count(n: number): string {
  return `${n < 0 ? MINUS : ""}${grouped(Math.abs(Math.trunc(n)))}`;
}
