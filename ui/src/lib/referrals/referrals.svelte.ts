// The Referrals screen: open referrals (with those due for follow-up), the agency
// directory, making a referral, and recording contact and outcomes.
import { api } from "../api";
import type { Agency } from "../bindings/Agency";
import type { AgencyForm } from "../bindings/AgencyForm";
import type { HouseholdSummary } from "../bindings/HouseholdSummary";
import type { OpenReferral } from "../bindings/OpenReferral";
import type { Outcome } from "../bindings/Outcome";
import type { Referral } from "../bindings/Referral";
import type { ReferralForm } from "../bindings/ReferralForm";
import type { ReferralOptions } from "../bindings/ReferralOptions";
import { Task } from "../shell/task.svelte";

/** Who a referral is for. */
export type MemberChoice = Pick<HouseholdSummary, "id" | "leadName" | "membershipNumber">;

export type ReferralsView = { kind: "list" } | { kind: "make" } | { kind: "agency"; agency: Agency | null };

export function blankAgency(): AgencyForm {
  return { name: "", kind: null, contactPerson: "", phone: "", email: "", address: "", openingHours: "", howToRefer: "", active: true };
}

export class ReferralsState {
  view = $state<ReferralsView>({ kind: "list" });
  options = $state<ReferralOptions | null>(null);
  agencies = $state<Agency[]>([]);
  open = $state<OpenReferral[]>([]);
  notice = $state<string | null>(null);
  readonly task = new Task();

  // Making a referral.
  memberQuery = $state("");
  memberMatches = $state<HouseholdSummary[]>([]);
  member = $state<MemberChoice | null>(null);
  form = $state<ReferralForm>(this.blankReferral());
  made = $state<Referral | null>(null);

  // The agency being added or edited.
  agencyForm = $state<AgencyForm>(blankAgency());

  due = $derived(this.open.filter((o) => o.due));
  notDue = $derived(this.open.filter((o) => !o.due));
  activeAgencies = $derived(this.agencies.filter((a) => a.active));

  private blankReferral(): ReferralForm {
    return { householdId: 0, agencyId: null, reason: null, reasonDetail: "", urgency: "routine", consentGiven: false };
  }

  async load(): Promise<void> {
    await this.run(async () => {
      [this.options, this.agencies, this.open] = await Promise.all([
        api.referralsOptions(),
        api.referralsAgencies(),
        api.referralsOpen(),
      ]);
    });
  }

  show(view: ReferralsView): void {
    this.view = view;
    this.task.clear();
    if (view.kind === "make") {
      this.form = this.blankReferral();
      this.member = null;
      this.memberQuery = "";
      this.memberMatches = [];
      this.made = null;
    }
    if (view.kind === "agency") this.agencyForm = view.agency ? { ...view.agency } : blankAgency();
  }

  async findMember(): Promise<void> {
    const text = this.memberQuery.trim();
    if (text.length < 2) {
      this.memberMatches = [];
      return;
    }
    const page = await api.householdsList({ text, status: null, neighbourhoodId: null, expiringSoon: false, page: 0, pageSize: 6 });
    if (this.memberQuery.trim() === text) this.memberMatches = page.items;
  }

  chooseMember(m: MemberChoice): void {
    this.member = m;
    this.form.householdId = m.id;
    this.memberMatches = [];
    this.memberQuery = m.leadName;
  }

  async make(): Promise<void> {
    if (!this.member) {
      this.task.fail("", { householdId: "Find the member first: type part of their name or number." });
      return;
    }
    await this.run(async () => {
      this.made = await api.referralsMake($state.snapshot(this.form));
      this.open = await api.referralsOpen();
    });
  }

  async saveAgency(): Promise<boolean> {
    const id = this.view.kind === "agency" && this.view.agency ? this.view.agency.id : null;
    const ok = await this.run(async () => {
      const saved = await api.referralsSaveAgency(id, $state.snapshot(this.agencyForm));
      this.agencies = await api.referralsAgencies();
      this.notice = `${saved.name} is saved in the directory.`;
    });
    if (ok) this.view = { kind: "list" };
    return ok;
  }

  async contacted(id: number): Promise<void> {
    await this.run(async () => {
      await api.referralsContacted(id);
      this.open = await api.referralsOpen();
      this.notice = "Contact recorded.";
    });
  }

  async outcome(id: number, outcome: Outcome, note: string): Promise<boolean> {
    return this.run(async () => {
      await api.referralsOutcome(id, outcome, note);
      this.open = await api.referralsOpen();
      this.notice = "Outcome recorded: the referral is closed.";
    });
  }

  /** Runs one action; a failure takes away the last message of success. */
  private async run(work: () => Promise<void>): Promise<boolean> {
    const ok = await this.task.run(work);
    if (!ok && this.task.error) this.notice = null;
    return ok;
  }
}
