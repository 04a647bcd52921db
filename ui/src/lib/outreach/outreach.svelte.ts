// The Deliveries & calls screen: a date's delivery round (planning from the suggested
// households, packing, the papers, outcomes by scanning a label or by hand) and the welfare
// contact list with the call log (a "needs help" call makes its referral at once).
import { api } from "../api";
import type { ContactDue } from "../bindings/ContactDue";
import type { ContactForm } from "../bindings/ContactForm";
import type { DeliveryOutcome } from "../bindings/DeliveryOutcome";
import type { Allergen } from "../bindings/Allergen";
import type { Dietary } from "../bindings/Dietary";
import type { FlagOption } from "../bindings/FlagOption";
import type { Item } from "../bindings/Item";
import type { ParcelLineForm } from "../bindings/ParcelLineForm";
import type { ReferralOptions } from "../bindings/ReferralOptions";
import type { Round } from "../bindings/Round";
import type { Settled } from "../bindings/Settled";
import type { Suggestion } from "../bindings/Suggestion";
import type { StopOrder } from "../bindings/StopOrder";
import { Task } from "../shell/task.svelte";

/** A household picked for the round. */
export type Pick = { chosen: boolean; parcels: number };

export class RoundState {
  /** The round's date (YYYY-MM-DD): the pantry's today, from the library, until changed. */
  date = $state("");
  round = $state<Round | null>(null);
  suggestions = $state<Suggestion[]>([]);
  picks = $state<Record<number, Pick>>({});
  order = $state<StopOrder>("postcode");
  /** The last outcome recorded from a scan or a button, said back to the volunteer. */
  notice = $state<string | null>(null);
  scanned = $state("");
  scanOutcome = $state<DeliveryOutcome>("delivered");
  readonly task = new Task();
  readonly scanTask = new Task();

  unpacked = $derived(this.round?.stops.filter((s) => !s.packed).length ?? 0);
  chosenCount = $derived(Object.values(this.picks).filter((p) => p.chosen).length);

  /** Loads the round on the date and the households that could be on it. */
  async load(): Promise<void> {
    this.notice = null;
    await this.task.run(async () => {
      // Today is the pantry's, in its own time zone, never the computer's clock.
      if (!this.date) this.date = (await api.appStatus()).today ?? "";
      const [round, suggestions] = await Promise.all([api.outreachRound(this.date), api.outreachSuggest(this.date)]);
      this.round = round;
      this.suggestions = suggestions;
      const onRound = new Map((round?.stops ?? []).map((s) => [s.householdId, s.parcels]));
      this.picks = Object.fromEntries(
        suggestions.map((s) => [
          s.householdId,
          { chosen: round ? onRound.has(s.householdId) : s.due, parcels: onRound.get(s.householdId) ?? 1 },
        ]),
      );
    });
  }

  /** Moves a household up or down the list (the stops' order when "As listed"). */
  move(index: number, by: -1 | 1): void {
    const to = index + by;
    if (to < 0 || to >= this.suggestions.length) return;
    const list = [...this.suggestions];
    [list[index], list[to]] = [list[to], list[index]];
    this.suggestions = list;
    this.order = "asGiven";
  }

  /** Plans (or re-plans) the round with the households ticked. */
  async plan(): Promise<boolean> {
    const stops = this.suggestions
      .filter((s) => this.picks[s.householdId]?.chosen)
      // A blank number of parcels goes as 0, never made up: the library says what is allowed.
      .map((s) => ({ householdId: s.householdId, parcels: Number(this.picks[s.householdId].parcels) || 0 }));
    return this.task.run(async () => {
      this.round = await api.outreachPlan({ date: this.date, stops, order: this.order });
      this.notice = `Round planned: ${this.round.stops.length} stop${this.round.stops.length === 1 ? "" : "s"}.`;
    });
  }

  async pack(): Promise<boolean> {
    return this.task.run(async () => {
      this.round = await api.outreachPack(this.date);
      this.notice = "Packed: the parcels' items are taken from stock.";
    });
  }

  /** Records an outcome by hand (a tick on the returned run sheet). */
  async outcome(id: number, outcome: DeliveryOutcome, label: string): Promise<void> {
    await this.task.run(async () => {
      this.settled(await api.outreachOutcome(id, outcome), label);
      await this.refresh();
    });
  }

  /** Records the outcome chosen for the label just scanned (Enter, as a scanner sends it). */
  async scan(label: string): Promise<void> {
    const scanned = this.scanned.trim();
    if (!scanned) return;
    const ok = await this.scanTask.run(async () => {
      this.settled(await api.outreachScan(scanned, this.scanOutcome), label);
    });
    if (ok) {
      this.scanned = "";
      await this.refresh();
    }
  }

  /** Says what was recorded, by the parcel's reference (who it was for is not sent back). */
  private settled(done: Settled, label: string): void {
    this.notice = `${done.reference}: ${label.toLowerCase()}${done.changed ? "." : " (recorded already)."}`;
  }

  /** The round shown, as it is now (for those who see rounds; a failure keeps what is shown). */
  private async refresh(): Promise<void> {
    if (!this.round) return;
    try {
      this.round = await api.outreachRound(this.date);
    } catch {
      // What is shown stays; the next action says what is wrong.
    }
  }
}

export function blankCall(householdId: number): ContactForm {
  return { householdId, outcome: null, note: "", followUpOn: "", referral: null };
}

export class CallsState {
  due = $state<ContactDue[]>([]);
  /** The household whose call is being logged. */
  open = $state<number | null>(null);
  form = $state<ContactForm>(blankCall(0));
  options = $state<ReferralOptions | null>(null);
  agencies = $state<{ id: number; name: string }[]>([]);
  notice = $state<string | null>(null);
  /** Weeks unseen that put a household with support needs on the list. */
  weeks = $state(3);
  readonly task = new Task();
  readonly weeksTask = new Task();

  /** The list as it is now (another desk logged a call or checked a household in). */
  async refresh(): Promise<void> {
    this.due = await api.outreachContactList();
  }

  async load(): Promise<void> {
    await this.task.run(async () => {
      const [due, options, agencies, weeks] = await Promise.all([
        api.outreachContactList(),
        api.referralsOptions(),
        api.referralsAgencies(),
        api.outreachContactWeeks(),
      ]);
      this.due = due;
      this.weeks = weeks;
      this.options = options;
      this.agencies = agencies.filter((a) => a.active);
    });
  }

  async saveWeeks(): Promise<void> {
    if (await this.weeksTask.run(async () => {
      this.weeks = await api.outreachSetContactWeeks(Number(this.weeks));
      this.due = await api.outreachContactList();
    })) this.notice = `Households with support needs are listed after ${this.weeks} week${this.weeks === 1 ? "" : "s"} unseen.`;
  }

  start(householdId: number): void {
    this.open = householdId;
    this.form = blankCall(householdId);
    this.task.clear();
    this.notice = null;
  }

  /** "Needs help" opens the referral part of the form; another outcome closes it. */
  setOutcome(outcome: ContactForm["outcome"]): void {
    this.form.outcome = outcome;
    this.task.clearField("outcome");
    this.form.referral =
      outcome === "needsHelp"
        ? { householdId: this.form.householdId, agencyId: null, reason: null, reasonDetail: "", urgency: "soon", consentGiven: false }
        : null;
  }

  async log(name: string): Promise<boolean> {
    const ok = await this.task.run(async () => {
      const call = await api.outreachLogContact(this.form);
      this.notice = call.referral
        ? `Call with ${name} logged, and referral ${call.referral} made: print its slip from Referrals.`
        : `Call with ${name} logged.`;
      this.open = null;
      this.due = await api.outreachContactList();
    });
    return ok;
  }
}

/** The standard parcel being edited: its lines, with what each item contains and suits. */
export class ParcelState {
  lines = $state<ParcelLineForm[]>([]);
  items = $state<Item[]>([]);
  allergens = $state<FlagOption<Allergen>[]>([]);
  dietary = $state<FlagOption<Dietary>[]>([]);
  adding = $state<number | null>(null);
  notice = $state<string | null>(null);
  readonly task = new Task();

  async load(): Promise<void> {
    await this.task.run(async () => {
      const [lines, items, options] = await Promise.all([
        api.outreachParcel(),
        api.stockItems("", false),
        api.householdsOptions(),
      ]);
      this.lines = lines;
      this.items = items;
      this.allergens = options.allergens;
      this.dietary = options.dietary;
    });
  }

  /** Items not in the parcel yet, to add. */
  get addable(): Item[] {
    return this.items.filter((i) => !this.lines.some((l) => l.itemId === i.id));
  }

  add(): void {
    const item = this.items.find((i) => i.id === this.adding);
    if (!item) return;
    this.lines = [...this.lines, { itemId: item.id, name: item.name, perHousehold: 1, perPerson: 0, allergens: [], suits: [] }];
    this.adding = null;
  }

  remove(index: number): void {
    this.lines = this.lines.filter((_, i) => i !== index);
    this.task.clear();
  }

  /** Ticks or unticks one allergen or diet of a line. */
  toggle<T>(list: T[], value: T): T[] {
    return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  }

  async save(): Promise<void> {
    const lines = this.lines.map((l) => ({ ...l, perHousehold: Number(l.perHousehold) || 0, perPerson: Number(l.perPerson) || 0 }));
    if (await this.task.run(async () => {
      this.lines = await api.outreachSetParcel(lines);
    })) this.notice = "The standard parcel is saved.";
  }
}
