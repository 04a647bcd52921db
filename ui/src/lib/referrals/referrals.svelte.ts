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
  /** The text the member matches shown were found for (Enter picks from them only then). */
  memberMatchesFor = $state<string | null>(null);
  member = $state<MemberChoice | null>(null);
  /** Narrows the agencies offered; Enter picks the one that matches. */
  agencyQuery = $state("");
  /** The ids the library found for `agencyMatchesFor` (null: every agency in use). */
  agencyMatchIds = $state<number[] | null>(null);
  agencyMatchesFor = $state<string | null>(null);
  /** What Enter in a finder box found (several matches, or none). */
  pickHint = $state<{ field: "member" | "agency"; message: string } | null>(null);
  form = $state<ReferralForm>(this.blankReferral());
  made = $state<Referral | null>(null);

  // The agency being added or edited.
  agencyForm = $state<AgencyForm>(blankAgency());
  /** Set while an agency is added from the referral form: saving it goes back there, with it chosen. */
  resumeReferral = $state(false);

  due = $derived(this.open.filter((o) => o.due));
  notDue = $derived(this.open.filter((o) => !o.due));
  activeAgencies = $derived(this.agencies.filter((a) => a.active));
  /** The agencies in use that the library found for what is typed in the agency finder. */
  agencyMatches = $derived.by(() => {
    const ids = this.agencyMatchIds;
    return ids === null ? this.activeAgencies : this.activeAgencies.filter((a) => ids.includes(a.id));
  });

  private blankReferral(): ReferralForm {
    return { householdId: null, agencyId: null, reason: null, reasonDetail: "", urgency: "routine", consentGiven: false };
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
    this.resumeReferral = false;
    if (view.kind === "list") void this.refreshLists();
    if (view.kind === "make") {
      this.form = this.blankReferral();
      this.member = null;
      this.memberQuery = "";
      this.memberMatches = [];
      this.memberMatchesFor = null;
      this.agencyQuery = "";
      this.agencyMatchIds = null;
      this.agencyMatchesFor = null;
      this.pickHint = null;
      this.made = null;
      this.notice = null;
    }
    if (view.kind === "agency") this.agencyForm = view.agency ? { ...view.agency } : blankAgency();
  }

  /** From the referral form, when the agency is not in the directory yet: add it, then come back. */
  addAgencyForReferral(): void {
    this.view = { kind: "agency", agency: null };
    this.agencyForm = blankAgency();
    this.task.clear();
    this.notice = null;
    this.resumeReferral = true;
  }

  /** Leaves the agency form: back to the referral being made, if it was started from there. */
  leaveAgency(): void {
    if (!this.resumeReferral) return this.show({ kind: "list" });
    this.resumeReferral = false;
    this.view = { kind: "make" };
    this.task.clear();
  }

  /** The open referrals and the agencies, as they are now (a failure keeps what is shown). */
  async refreshLists(): Promise<void> {
    try {
      [this.agencies, this.open] = await Promise.all([api.referralsAgencies(), api.referralsOpen()]);
    } catch {
      // What is shown stays; the next action says what is wrong.
    }
  }

  async findMember(): Promise<void> {
    const text = this.memberQuery.trim();
    if (text.length < 2) {
      this.memberMatches = [];
      this.memberMatchesFor = null;
      return;
    }
    const page = await api.householdsList({ text, status: null, neighbourhoodId: null, expiringSoon: false, page: 0, pageSize: 6 });
    if (this.memberQuery.trim() === text) {
      this.memberMatches = page.items;
      this.memberMatchesFor = text;
    }
  }

  /** Enter in the member box: picks the one member that matches what is typed. */
  async enterMember(): Promise<void> {
    const text = this.memberQuery.trim();
    this.pickHint = null;
    if (text.length < 2 || (this.member && text === this.member.leadName)) return;
    if (this.memberMatchesFor !== text) await this.findMember();
    if (this.memberQuery.trim() !== text) return;
    if (this.memberMatches.length === 1) this.chooseMember(this.memberMatches[0]);
    else this.pickHint = {
      field: "member",
      message: this.memberMatches.length === 0 ? `Nobody matches “${text}”.` : `${this.memberMatches.length} members match: pick one from the list.`,
    };
  }

  chooseMember(m: MemberChoice): void {
    this.member = m;
    this.form.householdId = m.id;
    this.memberMatches = [];
    this.memberMatchesFor = null;
    this.memberQuery = m.leadName;
    this.pickHint = null;
    this.task.clearField("householdId");
  }

  /** Asks the library which agencies match what is typed (it folds the text as every
   *  search does); an answer for text since changed is dropped. */
  async findAgencies(): Promise<void> {
    const text = this.agencyQuery;
    const ids = text.trim() ? await api.referralsFindAgencies(text) : null;
    if (this.agencyQuery !== text) return;
    this.agencyMatchIds = ids;
    this.agencyMatchesFor = text;
  }

  /** Enter in the agency finder: picks the one agency that matches what is typed. */
  async enterAgency(): Promise<void> {
    this.pickHint = null;
    const text = this.agencyQuery;
    if (this.agencyMatchesFor !== text) await this.findAgencies();
    if (this.agencyQuery !== text) return;
    const matches = this.agencyMatches;
    if (matches.length === 1) {
      this.form.agencyId = matches[0].id;
      this.task.clearField("agencyId");
    } else if (this.agencyQuery.trim()) {
      this.pickHint = {
        field: "agency",
        message: matches.length === 0 ? `No agency matches “${this.agencyQuery.trim()}”.` : `${matches.length} agencies match: choose one from the list.`,
      };
    }
  }

  /** Makes the referral; the library names every mistake at once (the member not yet found too). */
  async make(): Promise<void> {
    const form = $state.snapshot(this.form);
    await this.run(async () => {
      this.made = await api.referralsMake(form);
      this.open = await api.referralsOpen();
    });
  }

  async saveAgency(): Promise<boolean> {
    const id = this.view.kind === "agency" && this.view.agency ? this.view.agency.id : null;
    let saved: Agency | null = null;
    const ok = await this.run(async () => {
      saved = await api.referralsSaveAgency(id, $state.snapshot(this.agencyForm));
      this.agencies = await api.referralsAgencies();
    });
    if (!ok || !saved) return false;
    const agency: Agency = saved;
    this.notice = `${agency.name} is saved in the directory.`;
    if (this.resumeReferral) {
      this.resumeReferral = false;
      this.view = { kind: "make" };
      if (agency.active) {
        this.form.agencyId = agency.id;
        this.task.clearField("agencyId");
      }
    } else {
      this.view = { kind: "list" };
    }
    return true;
  }

  async contacted(id: number): Promise<void> {
    const ok = await this.run(async () => {
      await api.referralsContacted(id);
      this.open = await api.referralsOpen();
      this.notice = "Contact recorded.";
    });
    // Refused (say, already closed at another counter): the list shows how it is now.
    if (!ok) await this.refreshLists();
  }

  async outcome(id: number, outcome: Outcome, note: string): Promise<boolean> {
    const ok = await this.run(async () => {
      await api.referralsOutcome(id, outcome, note);
      this.open = await api.referralsOpen();
      this.notice = "Outcome recorded: the referral is closed.";
    });
    if (!ok) await this.refreshLists();
    return ok;
  }

  /** Runs one action; a failure takes away the last message of success. */
  private async run(work: () => Promise<void>): Promise<boolean> {
    const ok = await this.task.run(work);
    if (!ok && this.task.error) this.notice = null;
    return ok;
  }
}
