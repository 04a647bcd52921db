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

/** `350` → `£3.50`. */
export function pounds(pence: number): string {
  return `£${(pence / 100).toFixed(2)}`;
}
