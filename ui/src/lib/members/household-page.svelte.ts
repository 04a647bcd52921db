// One household's page: its details, cards, referrals, history and visits as the library
// gives them, and the changes a volunteer can make from here (each checked by the library).
import { api } from "../api";
import type { HouseholdPage } from "../bindings/HouseholdPage";
import type { Status } from "../bindings/Status";
import { cardsPrinted, PrintJob } from "../printing/print-job.svelte";
import { Task } from "../shell/task.svelte";
import { HouseholdFormState } from "./household-form.svelte";

/** Which change is waiting for the volunteer to confirm it. */
export type Confirming = "pause" | "leave" | "erase" | "merge" | "card" | null;

export class HouseholdPageState {
  page = $state<HouseholdPage | null>(null);
  notice = $state<string | null>(null);
  /** The details being edited, when they are. */
  editing = $state<HouseholdFormState | null>(null);
  confirming = $state<Confirming>(null);
  /** Why a card is replaced, or a membership paused or ended. */
  reason = $state("");
  /** The membership number of the duplicate to merge into this household. */
  mergeNumber = $state("");
  readonly task = new Task();
  readonly job = new PrintJob();

  constructor(readonly id: number) {}

  load(): Promise<boolean> {
    return this.task.run(() => this.fetch());
  }

  /** Shows the page as it is now (another desk changed it), leaving what is typed alone. */
  refresh(): Promise<void> {
    return this.fetch();
  }

  private async fetch(): Promise<void> {
    this.page = await api.householdsPage(this.id);
  }

  /** Runs one change; when it works, says `done`, closes any confirmation and reloads. */
  private async act(work: () => Promise<unknown>, done: string | (() => string)): Promise<boolean> {
    const ok = await this.task.run(async () => {
      await work();
      this.notice = typeof done === "string" ? done : done();
      this.confirming = null;
      this.reason = "";
      this.mergeNumber = "";
      await this.fetch();
    });
    if (!ok && this.task.error) this.notice = null;
    return ok;
  }

  confirm(what: Confirming): void {
    this.confirming = what;
  }

  renew(): Promise<boolean> {
    return this.act(() => api.householdsRenew(this.id), "Membership renewed.");
  }

  makeActive(): Promise<boolean> {
    return this.act(() => api.householdsSetStatus(this.id, "active", null), "Membership active again.");
  }

  /** Pauses or ends the membership, with the reason typed (when one is). */
  setStatus(status: Extract<Status, "paused" | "left">): Promise<boolean> {
    return this.act(
      () => api.householdsSetStatus(this.id, status, this.reason),
      status === "paused" ? "Membership paused." : "Marked as left.",
    );
  }

  replaceCard(): Promise<boolean> {
    return this.act(() => api.cardsReissue(this.id, this.reason), "The old card is cancelled and a new card is ready to print.");
  }

  merge(): Promise<boolean> {
    return this.act(() => api.householdsMerge(this.id, this.mergeNumber), "Households merged.");
  }

  /** Erases the household's personal details, with the reason typed; says which files went. */
  async erase(): Promise<boolean> {
    let done = "Personal details erased.";
    return this.act(async () => {
      const erasure = await api.householdsErase(this.id, this.reason);
      done = erasure.said;
    }, () => done);
  }

  /** Subject access: writes everything held about the household to files. */
  exportData(): Promise<boolean> {
    return this.task.run(async () => {
      const files = await api.householdsSubjectAccess(this.id);
      this.notice = `Everything held about this household was saved to ${files.join(" and ")}`;
      await this.fetch();
    });
  }

  async printCard(): Promise<void> {
    if (await this.job.run(() => api.cardsPrintHousehold(this.id).then(cardsPrinted))) await this.load();
  }

  /** The welcome and privacy sheet, in the household's language then English. */
  printWelcome(): Promise<boolean> {
    return this.job.run(async () => ({
      path: await api.membersPrintWelcome(this.id),
      summary: "Welcome sheet ready to print",
      replaced: "",
    }));
  }

  startEditing(): void {
    if (this.page) this.editing = new HouseholdFormState(this.page.form, this.id);
  }

  cancelEditing(): void {
    this.editing = null;
  }

  async saved(): Promise<void> {
    this.editing = null;
    this.notice = "Changes saved.";
    await this.load();
  }
}
