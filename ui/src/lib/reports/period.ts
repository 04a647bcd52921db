// Choosing a reporting period: the library reads `2026-10`, `2026-Q3`, `week:2026-11-16`
// and `2026-10-01..2026-10-31`; these helpers make those from a choice and today's date.

export type PeriodChoice = "lastMonth" | "thisMonth" | "lastQuarter" | "thisQuarter" | "lastWeek" | "custom";

function iso(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function month(d: Date): string {
  return iso(d).slice(0, 7);
}

function quarter(year: number, monthIndex: number): string {
  return `${year}-Q${Math.floor(monthIndex / 3) + 1}`;
}

/** The period text for a choice, relative to `today` (weeks start on Monday). */
export function periodText(choice: PeriodChoice, today: Date, from = "", to = ""): string {
  const y = today.getFullYear();
  const m = today.getMonth();
  switch (choice) {
    case "lastMonth":
      return month(new Date(y, m - 1, 1));
    case "thisMonth":
      return month(today);
    case "lastQuarter": {
      const start = new Date(y, m - 3, 1);
      return quarter(start.getFullYear(), start.getMonth());
    }
    case "thisQuarter":
      return quarter(y, m);
    case "lastWeek": {
      const monday = new Date(y, m, today.getDate() - ((today.getDay() + 6) % 7) - 7);
      return `week:${iso(monday)}`;
    }
    case "custom":
      return `${from.trim()}..${to.trim()}`;
  }
}
