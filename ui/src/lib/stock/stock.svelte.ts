// The Stock screen: levels and food-safety lists, items and barcodes, deliveries, stock
// counts, waste, stock settings and opening stock. Every rule is in the library.
import { api, ApiError, readImportFile } from "../api";
import type { DeliveryLineForm } from "../bindings/DeliveryLineForm";
import type { DeliveryForm } from "../bindings/DeliveryForm";
import type { DeliverySource } from "../bindings/DeliverySource";
import type { FlagOption } from "../bindings/FlagOption";
import type { Item } from "../bindings/Item";
import type { ItemDetail } from "../bindings/ItemDetail";
import type { ItemForm } from "../bindings/ItemForm";
import type { OpeningReport } from "../bindings/OpeningReport";
import type { StockCount } from "../bindings/StockCount";
import type { StockOverview } from "../bindings/StockOverview";
import type { StockSettings } from "../bindings/StockSettings";
import type { StockSettingsForm } from "../bindings/StockSettingsForm";
import type { ImportFile } from "../bindings/ImportFile";

export type StockView =
  | { kind: "overview" }
  | { kind: "item"; id: number | null; barcode?: string }
  | { kind: "delivery" }
  | { kind: "count" }
  | { kind: "settings" }
  | { kind: "opening" };

export function blankItem(barcode = ""): ItemForm {
  return {
    id: null, name: "", category: "", unit: "", packSize: "", band: "", points: "", value: "", reorderLevel: "",
    active: true, barcodes: [{ code: barcode, units: "1" }],
  };
}

/** A delivery line with the item's name for display. */
export type DeliveryLine = DeliveryLineForm & { name: string; unit: string };

export class StockState {
  view = $state<StockView>({ kind: "overview" });
  overview = $state<StockOverview | null>(null);
  items = $state<Item[]>([]);
  itemQuery = $state("");
  problem = $state<string | null>(null);
  notice = $state<string | null>(null);
  errors = $state<Record<string, string>>({});
  /** Every item short of stock, from the last refusal. */
  shortages = $state<string[]>([]);
  busy = $state(false);

  // Item editor.
  itemForm = $state<ItemForm>(blankItem());
  detail = $state<ItemDetail | null>(null);
  settings = $state<StockSettings | null>(null);

  // Delivery.
  sources = $state<FlagOption<DeliverySource>[]>([]);
  source = $state<DeliverySource | null>(null);
  donor = $state("");
  lines = $state<DeliveryLine[]>([]);
  scanText = $state("");
  scanMatches = $state<Item[]>([]);
  unknownCode = $state<string | null>(null);

  // Count.
  count = $state<StockCount | null>(null);
  countFilter = $state("");

  // Settings and opening stock.
  settingsForm = $state<StockSettingsForm>({ counterStock: "count", pointsPerVisit: "0", useByWarningDays: "3", bands: [] });
  openingFile = $state<ImportFile | null>(null);
  opening = $state<OpeningReport | null>(null);

  async load(): Promise<void> {
    await this.run(async () => {
      [this.overview, this.items, this.settings] = await Promise.all([
        api.stockOverview(),
        api.stockItems(this.itemQuery, true),
        api.stockSettings(),
      ]);
    });
  }

  async findItems(): Promise<void> {
    const text = this.itemQuery;
    const found = await api.stockItems(text, true);
    if (text === this.itemQuery) this.items = found;
  }

  async show(view: StockView): Promise<void> {
    this.view = view;
    this.errors = {};
    this.problem = null;
    if (view.kind !== "overview") this.notice = null;
    await this.run(async () => {
      switch (view.kind) {
        case "overview":
          await this.refresh();
          break;
        case "item":
          this.settings = await api.stockSettings();
          this.itemForm = view.id === null ? blankItem(view.barcode) : await api.stockItemForm(view.id);
          this.detail = view.id === null ? null : await api.stockItem(view.id);
          break;
        case "delivery":
          this.sources = await api.stockSources();
          this.source = null;
          this.donor = "";
          this.lines = [];
          this.scanText = "";
          this.scanMatches = [];
          this.unknownCode = null;
          break;
        case "count":
          this.count = await api.stockOpenCount();
          break;
        case "settings": {
          const s = await api.stockSettings();
          this.settingsForm = {
            counterStock: s.counterStock,
            pointsPerVisit: String(s.pointsPerVisit),
            useByWarningDays: String(s.useByWarningDays),
            bands: s.bands.map((b) => ({ name: b.name, perVisit: String(b.perVisit) })),
          };
          break;
        }
        case "opening":
          this.openingFile = null;
          this.opening = null;
          break;
      }
    });
  }

  async refresh(): Promise<void> {
    [this.overview, this.items] = await Promise.all([api.stockOverview(), api.stockItems(this.itemQuery, true)]);
  }

  async saveItem(): Promise<boolean> {
    const ok = await this.run(async () => {
      const saved = await api.stockSaveItem($state.snapshot(this.itemForm));
      this.notice = `${saved.name} is saved.`;
    });
    if (ok) await this.show({ kind: "overview" });
    return ok;
  }

  async wasteItem(itemId: number, quantity: string, reason: string): Promise<boolean> {
    return this.run(async () => {
      const done = await api.stockRecordWaste({ reason, lines: [{ itemId, quantity }] });
      this.detail = await api.stockItem(itemId);
      this.notice = `${done.units} recorded as waste.`;
    });
  }

  async wastePastUseBy(): Promise<void> {
    await this.run(async () => {
      const done = await api.stockWastePastUseBy();
      await this.refresh();
      this.notice = `${done.units} units past their use-by date were recorded as waste.`;
    });
  }

  // --- Delivery ---

  private addLine(item: Item, units: number): void {
    const last = this.lines.at(-1);
    if (last && last.itemId === item.id) {
      last.quantity = String((Number(last.quantity) || 0) + units);
    } else {
      this.lines.push({ itemId: item.id, name: item.name, unit: item.unit, quantity: String(units), bestBefore: "", useBy: "", value: "" });
    }
    this.scanText = "";
    this.scanMatches = [];
    this.unknownCode = null;
  }

  /** Enter in the scan box: a barcode adds its item; other text searches by name. */
  async scan(): Promise<void> {
    const text = this.scanText.trim();
    if (!text) return;
    this.unknownCode = null;
    await this.run(async () => {
      const found = await api.stockLookup(text);
      if (found.kind === "found") this.addLine(found.item, found.units);
      else if (found.kind === "unknown") this.unknownCode = found.code;
      else {
        this.scanMatches = found.items;
        if (this.scanMatches.length === 0) this.problem = `No item matches "${text}".`;
      }
    });
  }

  pick(item: Item): void {
    this.addLine(item, 1);
  }

  /** Adds the unknown barcode just scanned to an existing item, then adds that item. */
  async linkBarcode(item: Item, units: string): Promise<void> {
    const code = this.unknownCode;
    if (!code) return;
    await this.run(async () => {
      const saved = await api.stockAddBarcode(item.id, code, units);
      this.addLine(saved, Number(units) || 1);
    });
  }

  removeLine(index: number): void {
    this.lines.splice(index, 1);
  }

  async recordDelivery(): Promise<boolean> {
    const form: DeliveryForm = {
      source: this.source,
      donor: this.donor,
      note: "",
      lines: this.lines.map(({ itemId, quantity, bestBefore, useBy, value }) => ({ itemId, quantity, bestBefore, useBy, value })),
    };
    const ok = await this.run(async () => {
      const d = await api.stockRecordDelivery(form);
      this.notice = `Delivery recorded: ${d.units} units in ${d.lines} line${d.lines === 1 ? "" : "s"}.`;
    });
    if (ok) await this.show({ kind: "overview" });
    return ok;
  }

  // --- Count ---

  async startCount(): Promise<void> {
    await this.run(async () => {
      this.count = await api.stockStartCount();
    });
  }

  async enterCounted(itemId: number, counted: string): Promise<void> {
    const count = this.count;
    if (!count) return;
    const key = `counted.${itemId}`;
    try {
      await api.stockEnterCounted(count.id, itemId, counted);
      // The count's totals are the library's: read the count again.
      this.count = await api.stockOpenCount();
      const { [key]: _, ...rest } = this.errors;
      this.errors = rest;
    } catch (thrown) {
      this.errors = { ...this.errors, [key]: ApiError.from(thrown).message };
    }
  }

  async finaliseCount(): Promise<boolean> {
    const count = this.count;
    if (!count) return false;
    const ok = await this.run(async () => {
      const done = await api.stockFinaliseCount(count.id);
      this.notice = `Stock count ${done.id} finalised: ${done.differing} item${done.differing === 1 ? "" : "s"} adjusted.`;
    });
    if (ok) await this.show({ kind: "overview" });
    return ok;
  }

  async cancelCount(): Promise<void> {
    const count = this.count;
    if (!count) return;
    const ok = await this.run(async () => {
      await api.stockCancelCount(count.id);
      this.notice = `Stock count ${count.id} cancelled; nothing was adjusted.`;
    });
    if (ok) await this.show({ kind: "overview" });
  }

  // --- Settings and opening stock ---

  async saveSettings(): Promise<void> {
    const ok = await this.run(async () => {
      this.settings = await api.stockSaveSettings($state.snapshot(this.settingsForm));
      this.notice = "Stock settings saved.";
    });
    if (ok) await this.show({ kind: "overview" });
  }

  async checkOpening(file: File): Promise<void> {
    await this.run(async () => {
      this.openingFile = await readImportFile(file);
      this.opening = await api.stockImportOpening(this.openingFile, true);
    });
  }

  async importOpening(): Promise<void> {
    const file = this.openingFile;
    if (!file) return;
    await this.run(async () => {
      this.opening = await api.stockImportOpening(file, false);
      if (this.opening.imported) this.notice = `Opening stock imported: ${this.opening.units} units.`;
    });
  }

  private async run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    try {
      await work();
      this.errors = {};
      return true;
    } catch (thrown) {
      const error = ApiError.from(thrown);
      this.errors = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
      this.problem = error.shortages.length > 0 ? "Not enough stock:" : error.message;
      this.shortages = error.shortages.map((s) => s.message);
      this.notice = null;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
