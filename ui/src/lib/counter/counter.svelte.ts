// The counter: one input for scans and names, the verdict, recording with one key, today.
import { tick } from "svelte";
import { api, ApiError } from "../api";
import type { CashUp } from "../bindings/CashUp";
import type { CheckIn } from "../bindings/CheckIn";
import type { FeeMethod } from "../bindings/FeeMethod";
import type { HouseholdSummary } from "../bindings/HouseholdSummary";
import type { Today } from "../bindings/Today";
import type { VisitRecord } from "../bindings/VisitRecord";
import type { CounterStock } from "../bindings/CounterStock";
import type { Item } from "../bindings/Item";

/** An item chosen at the counter when the pantry records items. */
export type ChosenItem = { itemId: number; name: string; band: string | null; quantity: number };

/** A USB scanner types a whole number quickly; a pause this long with no Enter ends the scan. */
export const SCAN_PAUSE_MS = 250;
export class CounterState {
  typed = $state("");
  checkIn = $state<CheckIn | null>(null);
  /** What was in the box when the household shown was opened (kept beside it). */
  openedFor = $state<string | null>(null);
  matches = $state<HouseholdSummary[]>([]);
  /** The exact text the matches shown were found for (Enter picks from them only then). */
  matchesFor = $state<string | null>(null);
  highlighted = $state(0);
  unknown = $state<{ number: string; message: string; registerNumber: string | null } | null>(null);
  problem = $state<string | null>(null);
  fieldErrors = $state<Record<string, string>>({});
  /** The visit just recorded for the household shown (also offers undo). */
  recorded = $state<VisitRecord | null>(null);
  busy = $state(false);
  items = $state("");
  method = $state<FeeMethod>("cash");
  note = $state("");
  overrideReason = $state("");
  /** How this pantry records what was taken (from the stock settings). */
  stockMode = $state<CounterStock>("count");
  chosen = $state<ChosenItem[]>([]);
  itemText = $state("");
  itemMatches = $state<Item[]>([]);
  shortages = $state<string[]>([]);
  today = $state<Today | null>(null);
  lastCashUp = $state<CashUp | null>(null);
  #latest = 0;
  #pause: ReturnType<typeof setTimeout> | undefined;

  /** Every keystroke: the library says whether this is a number a scanner sends (wait for
   *  its pause, then look it up) or words (list the households that match so far). */
  typing(): void {
    clearTimeout(this.#pause);
    void this.typeAhead(this.typed.trim());
  }

  private async typeAhead(text: string): Promise<void> {
    const mine = ++this.#latest;
    try {
      const ahead = await api.visitsTypeAhead(text);
      if (mine !== this.#latest) return;
      if (ahead.kind === "number") {
        this.#pause = setTimeout(() => {
          if (this.typed.trim() === text) void this.lookup();
        }, SCAN_PAUSE_MS);
      } else {
        this.matches = ahead.households;
        this.matchesFor = text;
        this.highlighted = 0;
      }
    } catch (thrown) {
      if (mine === this.#latest) this.problem = ApiError.from(thrown).message;
    }
  }

  /** Enter: the highlighted household, when the matches shown are for exactly what is typed;
   *  otherwise look up what was typed (a fast typist's Enter never picks a stale match). */
  async enter(): Promise<void> {
    const text = this.typed.trim();
    if (text && this.matches.length > 0 && this.matchesFor === text) {
      await this.pick(this.matches[this.highlighted].id);
    } else if (text) {
      await this.lookup();
    } else if (this.checkIn) {
      await this.record();
    }
  }

  /** Enter, Tab or the scanner's pause: find what was typed. */
  async lookup(): Promise<void> {
    clearTimeout(this.#pause);
    const text = this.typed.trim();
    if (!text) return;
    const mine = ++this.#latest;
    this.problem = null;
    performance.mark("pantry:scan");
    try {
      const outcome = await api.visitsScan(text);
      // A newer lookup, or more keys since (a scan that paused half-way): this one is stale.
      if (mine !== this.#latest || this.typed.trim() !== text) return;
      this.typed = "";
      if (outcome.kind === "found") {
        this.show(outcome.checkIn, text);
        // How long from the scan to the verdict on screen (read by the end-to-end tests).
        await tick();
        performance.measure("pantry:scan-to-verdict", "pantry:scan");
      }
      else if (outcome.kind === "unknown") {
        this.clearResult();
        this.unknown = { number: outcome.number, message: outcome.message, registerNumber: outcome.registerNumber };
      } else if (outcome.households.length === 1) {
        await this.pick(outcome.households[0].id, text);
      } else {
        this.clearResult();
        this.matches = outcome.households;
        this.matchesFor = text;
        this.highlighted = 0;
        if (outcome.households.length === 0) this.problem = `Nobody matches “${text}”.`;
      }
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** Opens a household; `typed` is what was in the box that found it. */
  async pick(householdId: number, typed: string | null = this.matchesFor): Promise<void> {
    const mine = ++this.#latest;
    try {
      const checkIn = await api.visitsCheckIn(householdId);
      if (mine === this.#latest) {
        this.typed = "";
        this.show(checkIn, typed);
      }
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  async loadStockMode(): Promise<void> {
    try {
      this.stockMode = (await api.stockSettings()).counterStock;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  /** Enter in the items box: a barcode adds its item; other text lists matching items. */
  async addItemByText(): Promise<void> {
    const text = this.itemText.trim();
    if (!text) return;
    this.problem = null;
    try {
      const found = await api.stockLookup(text);
      if (found.kind === "found") this.addItem(found.item, found.units);
      else if (found.kind === "unknown") this.problem = `Barcode ${found.code} is not known: pick the item by name, and add the barcode on the Stock screen.`;
      else {
        this.itemMatches = found.items;
        if (this.itemMatches.length === 0) this.problem = `No item matches "${text}".`;
      }
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  addItem(item: Item, units = 1): void {
    const line = this.chosen.find((c) => c.itemId === item.id);
    if (line) line.quantity += units;
    else this.chosen.push({ itemId: item.id, name: item.name, band: item.band, quantity: units });
    this.itemText = "";
    this.itemMatches = [];
  }

  changeQuantity(itemId: number, by: number): void {
    const line = this.chosen.find((c) => c.itemId === itemId);
    if (!line) return;
    line.quantity += by;
    if (line.quantity <= 0) this.chosen = this.chosen.filter((c) => c.itemId !== itemId);
  }

  get chosenTotal(): number {
    return this.chosen.reduce((n, c) => n + c.quantity, 0);
  }

  private show(checkIn: CheckIn, typed: string | null): void {
    this.clearResult();
    this.checkIn = checkIn;
    this.openedFor = typed;
    this.items = String(checkIn.itemsDefault);
    this.chosen = [];
    this.itemText = "";
    this.itemMatches = [];
    this.method = "cash";
  }

  clearResult(): void {
    this.checkIn = null;
    this.openedFor = null;
    this.matches = [];
    this.matchesFor = null;
    this.unknown = null;
    this.recorded = null;
    this.fieldErrors = {};
    this.note = "";
    this.overrideReason = "";
    this.problem = null;
  }

  /** A field of the visit was changed: its message goes (the library checks it again). */
  changed(field: string): void {
    if (!(field in this.fieldErrors)) return;
    const { [field]: _gone, ...others } = this.fieldErrors;
    this.fieldErrors = others;
  }

  get canRecord(): boolean {
    return !!this.checkIn && !this.recorded && !this.busy && (this.checkIn.verdict.eligible || !!this.overrideReason.trim());
  }

  /** Records the visit shown; pressing again (or a double Enter) never records twice. */
  async record(): Promise<void> {
    const checkIn = this.checkIn;
    if (!checkIn || !this.canRecord) return;
    this.busy = true;
    this.problem = null;
    try {
      const visit = await api.visitsRecord({
        householdId: checkIn.household.id,
        requestId: checkIn.requestId,
        cardNumber: checkIn.cardNumber,
        items: this.items,
        feeMethod: this.method,
        note: this.note,
        overrideReason: checkIn.verdict.eligible ? null : this.overrideReason,
        lines: this.stockMode === "items" ? this.chosen.map((c) => ({ itemId: c.itemId, quantity: c.quantity })) : [],
      });
      // Another household opened meanwhile: the visit stands (today's list shows it), but
      // that household's card must not say it was recorded.
      if (this.checkIn?.requestId === checkIn.requestId) this.recorded = visit;
      this.shortages = [];
      this.fieldErrors = {};
      // The card shows the visit just recorded in its counts; today's list shows it too.
      await Promise.all([this.refreshCheckIn(checkIn.requestId), this.refreshToday()]);
    } catch (thrown) {
      const error = ApiError.from(thrown);
      this.fieldErrors = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
      this.problem = error.message;
      this.shortages = error.shortages.map((s) => s.message);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Asks again for the check-in of the household shown (its visits changed), keeping what was
   * typed and the visit just recorded. `requestId` is the check-in shown when asked: if another
   * household has been opened since, the answer is dropped.
   */
  async refreshCheckIn(requestId: string): Promise<void> {
    const shown = this.checkIn;
    if (!shown || shown.requestId !== requestId) return;
    try {
      const fresh = await api.visitsCheckIn(shown.household.id);
      if (this.checkIn?.requestId === requestId) this.checkIn = fresh;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  async undo(visitId: number, reason: string): Promise<boolean> {
    try {
      await api.visitsVoid(visitId, reason);
      if (this.recorded?.id === visitId) this.clearResult();
      const shown = this.checkIn?.requestId;
      await Promise.all([shown ? this.refreshCheckIn(shown) : null, this.refreshToday()]);
      return true;
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
      return false;
    }
  }

  async renew(): Promise<void> {
    if (!this.checkIn) return;
    try {
      await api.householdsRenew(this.checkIn.household.id);
      await this.pick(this.checkIn.household.id, this.openedFor);
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  async refreshToday(): Promise<void> {
    try {
      this.today = await api.visitsToday();
    } catch (thrown) {
      this.problem = ApiError.from(thrown).message;
    }
  }

  async cashUp(counted: string, note: string): Promise<string | null> {
    try {
      this.lastCashUp = await api.visitsCashUp(counted, note);
      await this.refreshToday();
      return null;
    } catch (thrown) {
      return ApiError.from(thrown).message;
    }
  }

  /** What was typed (two letters or more) finds nobody: said while typing, not only on Enter. */
  get nobodyMatches(): string | null {
    const text = this.typed.trim();
    return text.length >= 2 && this.matchesFor === text && this.matches.length === 0 && !this.checkIn && !this.unknown
      ? text
      : null;
  }

  move(by: number): void {
    if (this.matches.length === 0) return;
    this.highlighted = (this.highlighted + by + this.matches.length) % this.matches.length;
  }
}
