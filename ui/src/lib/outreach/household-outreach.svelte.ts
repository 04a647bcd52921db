// A household's support needs, delivery details and welfare calls, on its page.
import { api } from "../api";
import type { ContactAttempt } from "../bindings/ContactAttempt";
import type { HomeDeliveryDetails } from "../bindings/HomeDeliveryDetails";
import type { HomeDeliveryForm } from "../bindings/HomeDeliveryForm";
import type { NeedForm } from "../bindings/NeedForm";
import type { SupportNeedRecord } from "../bindings/SupportNeedRecord";
import { Task } from "../shell/task.svelte";

export function blankNeed(householdId: number): NeedForm {
  return { householdId, need: null, until: "", reason: "", consentGiven: false };
}

export function deliveryForm(householdId: number, d: HomeDeliveryDetails | null, postcode: string): HomeDeliveryForm {
  return {
    householdId,
    until: d?.until ?? "",
    address: d?.addressLines.join("\n") ?? "",
    postcode: d?.postcode ?? postcode,
    accessNotes: d?.accessNotes ?? "",
    phone: d?.phone ?? "",
    feeMethod: d?.feeMethod ?? "waived",
  };
}

export class HouseholdOutreachState {
  needs = $state<SupportNeedRecord[]>([]);
  delivery = $state<HomeDeliveryDetails | null>(null);
  calls = $state<ContactAttempt[]>([]);
  needForm = $state<NeedForm>(blankNeed(0));
  form = $state<HomeDeliveryForm>(deliveryForm(0, null, ""));
  /** The delivery form is open (setting up, or changing). */
  editing = $state(false);
  notice = $state<string | null>(null);
  readonly needTask = new Task();
  readonly deliveryTask = new Task();

  constructor(
    readonly householdId: number,
    readonly postcode: string,
  ) {
    this.needForm = blankNeed(householdId);
    this.form = deliveryForm(householdId, null, postcode);
  }

  async load(): Promise<void> {
    await this.needTask.run(async () => {
      [this.needs, this.delivery, this.calls] = await Promise.all([
        api.outreachNeeds(this.householdId),
        api.outreachDelivery(this.householdId),
        api.outreachContactsOf(this.householdId),
      ]);
    });
  }

  async recordNeed(): Promise<void> {
    const ok = await this.needTask.run(async () => {
      this.needs = await api.outreachRecordNeed(this.needForm);
    });
    if (ok) {
      this.needForm = blankNeed(this.householdId);
      this.notice = "Support need recorded.";
    }
  }

  async removeNeed(need: SupportNeedRecord): Promise<void> {
    if (await this.needTask.run(async () => {
      this.needs = await api.outreachRemoveNeed(this.householdId, need.need);
    })) this.notice = `${need.label} removed.`;
  }

  edit(): void {
    this.form = deliveryForm(this.householdId, this.delivery, this.postcode);
    this.editing = true;
    this.deliveryTask.clear();
  }

  async saveDelivery(): Promise<void> {
    const ok = await this.deliveryTask.run(async () => {
      this.delivery = await api.outreachSetDelivery(this.form);
    });
    if (ok) {
      this.editing = false;
      this.notice = "Deliveries are set up: the household is suggested for each round.";
    }
  }

  async stopDeliveries(): Promise<void> {
    if (await this.deliveryTask.run(async () => {
      await api.outreachStopDeliveries(this.householdId);
      this.delivery = null;
    })) this.notice = "Deliveries stopped; the delivery address is deleted.";
  }
}
