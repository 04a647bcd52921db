// Typed wrappers over the desktop app's commands. Components call these, never `invoke`.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppStatus } from "./bindings/AppStatus";
import type { ErrorKind } from "./bindings/ErrorKind";
import type { FieldError } from "./bindings/FieldError";
import type { FirstAdmin } from "./bindings/FirstAdmin";
import type { MemberTextForm } from "./bindings/MemberTextForm";
import type { MemberTextSettings } from "./bindings/MemberTextSettings";
import type { ServerCheck } from "./bindings/ServerCheck";
import type { ServerForm } from "./bindings/ServerForm";
import type { Settings } from "./bindings/Settings";
import type { SettingsForm } from "./bindings/SettingsForm";
import type { WireError } from "./bindings/WireError";
import type { DuplicateCandidate } from "./bindings/DuplicateCandidate";
import type { Household } from "./bindings/Household";
import type { HouseholdForm } from "./bindings/HouseholdForm";
import type { HouseholdPage } from "./bindings/HouseholdPage";
import type { ImportField } from "./bindings/ImportField";
import type { ImportFile } from "./bindings/ImportFile";
import type { ImportPreview } from "./bindings/ImportPreview";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { ListPage } from "./bindings/ListPage";
import type { ListQuery } from "./bindings/ListQuery";
import type { RegistrationOptions } from "./bindings/RegistrationOptions";
import type { RetentionPreview } from "./bindings/RetentionPreview";
import type { Erasure } from "./bindings/Erasure";
import type { Status } from "./bindings/Status";
import type { Card } from "./bindings/Card";
import type { Agency } from "./bindings/Agency";
import type { AgencyForm } from "./bindings/AgencyForm";
import type { OpenReferral } from "./bindings/OpenReferral";
import type { Outcome } from "./bindings/Outcome";
import type { Referral } from "./bindings/Referral";
import type { ReferralForm } from "./bindings/ReferralForm";
import type { ReferralOptions } from "./bindings/ReferralOptions";
import type { CashUp } from "./bindings/CashUp";
import type { CheckIn } from "./bindings/CheckIn";
import type { ScanOutcome } from "./bindings/ScanOutcome";
import type { TypeAhead } from "./bindings/TypeAhead";
import type { Today } from "./bindings/Today";
import type { VisitForm } from "./bindings/VisitForm";
import type { VisitRecord } from "./bindings/VisitRecord";
import type { PrintedFile } from "./bindings/PrintedFile";
import type { SheetLayout } from "./bindings/SheetLayout";
import type { StockLookup } from "./bindings/StockLookup";
import type { Delivery } from "./bindings/Delivery";
import type { DeliveryForm } from "./bindings/DeliveryForm";
import type { DeliverySource } from "./bindings/DeliverySource";
import type { FlagOption } from "./bindings/FlagOption";
import type { Item } from "./bindings/Item";
import type { ItemDetail } from "./bindings/ItemDetail";
import type { ItemForm } from "./bindings/ItemForm";
import type { OpeningReport } from "./bindings/OpeningReport";
import type { CountLine } from "./bindings/CountLine";
import type { Shortage } from "./bindings/Shortage";
import type { StockCount } from "./bindings/StockCount";
import type { StockOverview } from "./bindings/StockOverview";
import type { StockSettings } from "./bindings/StockSettings";
import type { StockSettingsForm } from "./bindings/StockSettingsForm";
import type { WasteForm } from "./bindings/WasteForm";
import type { WasteRecord } from "./bindings/WasteRecord";
import type { Dashboard } from "./bindings/Dashboard";
import type { ExportRecord } from "./bindings/ExportRecord";
import type { Period } from "./bindings/Period";
import type { PeriodOption } from "./bindings/PeriodOption";
import type { ReportFormat } from "./bindings/ReportFormat";
import type { ReportSettingsForm } from "./bindings/ReportSettingsForm";
import type { SummaryPreview } from "./bindings/SummaryPreview";
import type { BackupRecord } from "./bindings/BackupRecord";
import type { BackupStatus } from "./bindings/BackupStatus";
import type { SecurityStatus } from "./bindings/SecurityStatus";
import type { AuditFilter } from "./bindings/AuditFilter";
import type { RoleOption } from "./bindings/RoleOption";
import type { SignedIn } from "./bindings/SignedIn";
import type { Volunteer } from "./bindings/Volunteer";
import type { VolunteerForm } from "./bindings/VolunteerForm";
import type { AuditPage } from "./bindings/AuditPage";
import type { ContactAttempt } from "./bindings/ContactAttempt";
import type { ContactDue } from "./bindings/ContactDue";
import type { ContactForm } from "./bindings/ContactForm";
import type { DeliveryOutcome } from "./bindings/DeliveryOutcome";
import type { HomeDeliveryDetails } from "./bindings/HomeDeliveryDetails";
import type { HomeDeliveryForm } from "./bindings/HomeDeliveryForm";
import type { NeedForm } from "./bindings/NeedForm";
import type { Limits } from "./bindings/Limits";
import type { ParcelLineForm } from "./bindings/ParcelLineForm";
import type { Printed as OutreachPrinted } from "./bindings/Printed";
import type { Round } from "./bindings/Round";
import type { RoundForm } from "./bindings/RoundForm";
import type { Settled } from "./bindings/Settled";
import type { Suggestion } from "./bindings/Suggestion";
import type { SupportNeed } from "./bindings/SupportNeed";
import type { SupportNeedRecord } from "./bindings/SupportNeedRecord";

/** A failed command, as the library reported it. */
export class ApiError extends Error {
  readonly kind: ErrorKind | "unexpected";
  readonly fields: FieldError[];
  readonly reasons: string[];
  readonly shortages: Shortage[];

  constructor(wire: WireError | { kind: "unexpected"; message: string }) {
    super(wire.message);
    this.kind = wire.kind;
    this.fields = "fields" in wire ? (wire.fields ?? []) : [];
    this.reasons = "reasons" in wire ? (wire.reasons ?? []) : [];
    this.shortages = "shortages" in wire ? (wire.shortages ?? []) : [];
  }

  static from(thrown: unknown): ApiError {
    if (isWireError(thrown)) return new ApiError(thrown);
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    return new ApiError({
      kind: "unexpected",
      message: `Something went wrong inside Pantry (${detail}). Nothing was saved; please try again.`,
    });
  }

  /** The message for one form field, if that field is wrong. */
  forField(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

function isWireError(value: unknown): value is WireError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as WireError).kind === "string" &&
    typeof (value as WireError).message === "string"
  );
}

/** Fired when a command finds no one signed in (or the app locked itself when idle). */
export const SIGNED_OUT_EVENT = "pantry:signed-out";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    const error = ApiError.from(thrown);
    if (error.kind === "signInNeeded") globalThis.dispatchEvent?.(new CustomEvent(SIGNED_OUT_EVENT, { detail: error.message }));
    throw error;
  }
}

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  settingsGet: () => call<Settings | null>("settings_get"),
  settingsForm: () => call<SettingsForm>("settings_form"),
  settingsSave: (form: SettingsForm) => call<Settings>("settings_save", { form }),
  settingsNameDesk: (name: string) => call<string | null>("settings_name_desk", { name }),
  settingsTimeZones: () => call<string[]>("settings_time_zones"),

  householdsOptions: () => call<RegistrationOptions>("households_options"),
  householdsList: (query: ListQuery) => call<ListPage>("households_list", { query }),
  householdsPage: (id: number) => call<HouseholdPage>("households_page", { id }),
  householdsSuggestNeighbourhood: (postcode: string) =>
    call<number | null>("households_suggest_neighbourhood", { postcode }),
  householdsDuplicates: (form: HouseholdForm, except: number | null) =>
    call<DuplicateCandidate[]>("households_duplicates", { form, except }),
  householdsRegister: (form: HouseholdForm, duplicateReason: string | null) =>
    call<Household>("households_register", { form, duplicateReason }),
  householdsUpdate: (id: number, form: HouseholdForm) => call<Household>("households_update", { id, form }),
  householdsRenew: (id: number) => call<Household>("households_renew", { id }),
  householdsSetStatus: (id: number, status: Status, reason: string | null) =>
    call<Household>("households_set_status", { id, status, reason }),
  householdsMerge: (keep: number, removeNumber: string) =>
    call<Household>("households_merge", { keep, removeNumber }),
  householdsErase: (id: number, reason: string) => call<Erasure>("households_erase", { id, reason }),
  householdsSubjectAccess: (id: number) => call<string[]>("households_subject_access", { id }),
  householdsRetentionPreview: () => call<RetentionPreview>("households_retention_preview"),
  householdsRetentionApply: () => call<number>("households_retention_apply"),

  cardsUnprintedCount: () => call<number>("cards_unprinted_count"),
  cardsPrintUnprinted: (layout: SheetLayout) => call<PrintedFile>("cards_print_unprinted", { layout }),
  cardsPrintHousehold: (id: number) => call<PrintedFile>("cards_print_household", { id }),
  cardsReissue: (id: number, reason: string) => call<Card>("cards_reissue", { id, reason }),
  printOpen: (path: string) => call<void>("print_open", { path }),
  printSaveCopy: (path: string) => call<string | null>("print_save_copy", { path }),

  stockOverview: () => call<StockOverview>("stock_overview"),
  stockItems: (text: string, includeInactive: boolean) => call<Item[]>("stock_items", { text, includeInactive }),
  stockItem: (id: number) => call<ItemDetail>("stock_item", { id }),
  stockItemForm: (id: number) => call<ItemForm>("stock_item_form", { id }),
  stockSaveItem: (form: ItemForm) => call<Item>("stock_save_item", { form }),
  stockLookup: (typed: string) => call<StockLookup>("stock_lookup", { typed }),
  stockAddBarcode: (itemId: number, code: string, units: string) =>
    call<Item>("stock_add_barcode", { itemId, code, units }),
  stockSettings: () => call<StockSettings>("stock_settings"),
  stockSaveSettings: (form: StockSettingsForm) => call<StockSettings>("stock_save_settings", { form }),
  stockSources: () => call<FlagOption<DeliverySource>[]>("stock_sources"),
  stockRecordDelivery: (form: DeliveryForm) => call<Delivery>("stock_record_delivery", { form }),
  stockDeliveries: () => call<Delivery[]>("stock_deliveries"),
  stockRecordWaste: (form: WasteForm) => call<WasteRecord>("stock_record_waste", { form }),
  stockWastePastUseBy: () => call<WasteRecord>("stock_waste_past_use_by"),
  stockOpenCount: () => call<StockCount | null>("stock_open_count"),
  stockStartCount: () => call<StockCount>("stock_start_count"),
  stockEnterCounted: (countId: number, itemId: number, counted: string) =>
    call<CountLine>("stock_enter_counted", { countId, itemId, counted }),
  stockFinaliseCount: (countId: number) => call<StockCount>("stock_finalise_count", { countId }),
  stockCancelCount: (countId: number) => call<StockCount>("stock_cancel_count", { countId }),
  stockCountSheet: (countId: number) => call<string>("stock_count_sheet", { countId }),
  stockImportOpening: (file: ImportFile, dryRun: boolean) =>
    call<OpeningReport>("stock_import_opening", { file, dryRun }),

  reportsDashboard: () => call<Dashboard>("reports_dashboard"),
  reportsPeriod: (period: string) => call<Period>("reports_period", { period }),
  reportsPeriodChoices: () => call<PeriodOption[]>("reports_period_choices"),
  reportsSummary: (period: string) => call<SummaryPreview>("reports_summary", { period }),
  reportsExport: (period: string, format: ReportFormat) => call<ExportRecord>("reports_export", { period, format }),
  reportsHistory: () => call<ExportRecord[]>("reports_history"),
  reportsSettings: () => call<ReportSettingsForm>("reports_settings"),
  reportsSaveSettings: (form: ReportSettingsForm) => call<ReportSettingsForm>("reports_save_settings", { form }),
  reportsRollup: (files: ImportFile[], format: ReportFormat) => call<ExportRecord>("reports_rollup", { files, format }),

  sessionCurrent: () => call<SignedIn | null>("session_current"),
  sessionVolunteers: () => call<string[]>("session_volunteers"),
  sessionSignIn: (name: string, pin: string) => call<SignedIn>("session_sign_in", { name, pin }),
  sessionSignInWithRecoveryKey: (name: string, recoveryKey: string) =>
    call<SignedIn>("session_sign_in_with_recovery_key", { name, recoveryKey }),
  sessionSignOut: (why: string) => call<void>("session_sign_out", { why }),
  sessionTouch: () => call<void>("session_touch"),
  sessionFirstAdmin: (admin: FirstAdmin) => call<SignedIn>("session_first_admin", { admin }),
  sessionSetup: (form: SettingsForm, admin: FirstAdmin) => call<Settings>("session_setup", { form, admin }),
  volunteersList: () => call<Volunteer[]>("volunteers_list"),
  volunteersRoles: () => call<RoleOption[]>("volunteers_roles"),
  volunteersSave: (form: VolunteerForm) => call<Volunteer>("volunteers_save", { form }),
  volunteersIdleLock: () => call<number>("volunteers_idle_lock"),
  volunteersSaveIdleLock: (minutes: string) => call<number>("volunteers_save_idle_lock", { minutes }),
  auditList: (filter: AuditFilter) => call<AuditPage>("audit_list", { filter }),
  backupsStatus: () => call<BackupStatus>("backups_status"),
  backupsSaveSettings: (folder: string, kept: string) => call<BackupStatus>("backups_save_settings", { folder, kept }),
  backupsNow: () => call<BackupRecord>("backups_now"),
  backupsPick: () => call<string | null>("backups_pick"),
  backupsChooseRestore: (chosen: string, recoveryKey: string | null) =>
    call<void>("backups_choose_restore", { chosen, recoveryKey }),
  securityStatus: () => call<SecurityStatus>("security_status"),
  securitySheetFolder: () => call<string | null>("security_sheet_folder"),
  securityPrintRecoverySheet: (folder: string) => call<string>("security_print_recovery_sheet", { folder }),
  securitySheetPutAway: () => call<void>("security_sheet_put_away"),
  securityUnlock: (recoveryKey: string) => call<void>("security_unlock", { recoveryKey }),
  backupsCancelRestore: () => call<BackupStatus>("backups_cancel_restore"),
  backupsRestoreSeen: (id: number) => call<void>("backups_restore_seen", { id }),
  backupsRestart: () => call<void>("backups_restart"),

  serverTry: (form: ServerForm) => call<ServerCheck>("server_try", { form }),
  serverPickCaFile: () => call<string | null>("server_pick_ca_file"),
  /** Keeps the server and restarts Pantry on it (the promise does not settle). */
  serverConnect: (form: ServerForm) => call<void>("server_connect", { form }),
  /** Forgets a server that could not be used and restarts on this laptop's database. */
  serverUseLaptop: () => call<void>("server_use_laptop"),
  serverRetry: () => call<void>("server_retry"),

  visitsScan: (typed: string) => call<ScanOutcome>("visits_scan", { typed }),
  visitsTypeAhead: (typed: string) => call<TypeAhead>("visits_type_ahead", { typed }),
  visitsCheckIn: (householdId: number) => call<CheckIn>("visits_check_in", { householdId }),
  visitsRecord: (form: VisitForm) => call<VisitRecord>("visits_record", { form }),
  visitsVoid: (id: number, reason: string) => call<VisitRecord>("visits_void", { id, reason }),
  visitsToday: () => call<Today>("visits_today"),
  desksActivity: () => call<string>("desks_activity"),
  visitsCashUp: (counted: string, note: string) => call<CashUp>("visits_cash_up", { counted, note }),

  referralsOptions: () => call<ReferralOptions>("referrals_options"),
  referralsAgencies: () => call<Agency[]>("referrals_agencies"),
  /** The ids of the agencies in use that match `text`, folded as the library folds search text. */
  referralsFindAgencies: (text: string) => call<number[]>("referrals_find_agencies", { text }),
  referralsSaveAgency: (id: number | null, form: AgencyForm) => call<Agency>("referrals_save_agency", { id, form }),
  referralsMake: (form: ReferralForm) => call<Referral>("referrals_make", { form }),
  referralsOpen: () => call<OpenReferral[]>("referrals_open"),
  referralsContacted: (id: number) => call<Referral>("referrals_contacted", { id }),
  referralsOutcome: (id: number, outcome: Outcome, note: string) =>
    call<Referral>("referrals_outcome", { id, outcome, note }),
  referralsSlip: (id: number) => call<string>("referrals_slip", { id }),
  outreachContactList: () => call<ContactDue[]>("outreach_contact_list"),
  outreachContactWeeks: () => call<number>("outreach_contact_weeks"),
  outreachSetContactWeeks: (weeks: number) => call<number>("outreach_set_contact_weeks", { weeks }),
  outreachLogContact: (form: ContactForm) => call<ContactAttempt>("outreach_log_contact", { form }),
  outreachContactsOf: (householdId: number) => call<ContactAttempt[]>("outreach_contacts_of", { householdId }),
  outreachNeeds: (householdId: number) => call<SupportNeedRecord[]>("outreach_needs", { householdId }),
  outreachRecordNeed: (form: NeedForm) => call<SupportNeedRecord[]>("outreach_record_need", { form }),
  outreachRemoveNeed: (householdId: number, need: SupportNeed) =>
    call<SupportNeedRecord[]>("outreach_remove_need", { householdId, need }),
  outreachDelivery: (householdId: number) => call<HomeDeliveryDetails | null>("outreach_delivery", { householdId }),
  outreachSetDelivery: (form: HomeDeliveryForm) => call<HomeDeliveryDetails>("outreach_set_delivery", { form }),
  outreachStopDeliveries: (householdId: number) => call<null>("outreach_stop_deliveries", { householdId }),
  outreachSuggest: (date: string) => call<Suggestion[]>("outreach_suggest", { date }),
  outreachRound: (date: string) => call<Round | null>("outreach_round", { date }),
  outreachPlan: (form: RoundForm) => call<Round>("outreach_plan", { form }),
  outreachPack: (date: string) => call<Round>("outreach_pack", { date }),
  outreachOutcome: (id: number, outcome: DeliveryOutcome) => call<Settled>("outreach_outcome", { id, outcome }),
  outreachScan: (scanned: string, outcome: DeliveryOutcome) => call<Settled>("outreach_scan", { scanned, outcome }),
  outreachLimits: () => call<Limits>("outreach_limits"),
  outreachParcel: () => call<ParcelLineForm[]>("outreach_parcel"),
  outreachSetParcel: (lines: ParcelLineForm[]) => call<ParcelLineForm[]>("outreach_set_parcel", { lines }),
  /** `start`: the label of the first sheet that parcel labels start at (the other papers ignore it). */
  outreachPrintRound: (date: string, paper: "run-sheet" | "labels" | "packing", start = 1) =>
    call<OutreachPrinted>("outreach_print_round", { date, paper, start }),
  outreachPrintCallSheet: () => call<OutreachPrinted>("outreach_print_call_sheet"),

  languagesSettings: () => call<MemberTextSettings>("languages_settings"),
  languagesSaveSettings: (form: MemberTextForm) => call<MemberTextSettings>("languages_save_settings", { form }),
  membersPrintWelcome: (id: number) => call<string>("members_print_welcome", { id }),

  importPreview: (file: ImportFile) => call<ImportPreview>("import_preview", { file }),
  importCheck: (file: ImportFile, mapping: (ImportField | null)[]) =>
    call<ImportReport>("import_check", { file, mapping }),
  importMembers: (file: ImportFile, mapping: (ImportField | null)[], progress: (p: ImportProgress) => void) => {
    const onProgress = new Channel<ImportProgress>();
    onProgress.onmessage = progress;
    return call<ImportReport>("import_members", { file, mapping, onProgress });
  },
};

/** Reads a chosen file for import (its bytes, base64-encoded). */
export function readImportFile(file: File): Promise<ImportFile> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new ApiError({ kind: "unexpected", message: "The file could not be read." }));
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ fileName: file.name, base64: url.slice(url.indexOf(",") + 1) });
    };
    reader.readAsDataURL(file);
  });
}
