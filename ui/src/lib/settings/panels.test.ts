// The Settings panels' state: what they send, what they show after, and errors by field.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { BackupStatus } from "../bindings/BackupStatus";
import { AuditState } from "./audit.svelte";
import { BackupsState } from "./backups.svelte";
import { SecurityState } from "./security.svelte";
import { VolunteersState } from "./volunteers.svelte";

afterEach(() => clearMocks());

const status: BackupStatus = {
  folder: "/data/backups",
  folderSetting: "",
  kept: 14,
  last: null,
  stale: true,
  pendingRestore: null,
  failed: null,
};

describe("BackupsState", () => {
  it("shows the settings as stored, then saves what was typed", async () => {
    let sent: unknown;
    mockIPC((cmd, args) => {
      if (cmd === "backups_status") return status;
      if (cmd === "backups_save_settings") {
        sent = args;
        return { ...status, folderSetting: "/media/usb", kept: 7 };
      }
    });
    const backups = new BackupsState();
    await backups.load();
    expect(backups.folder).toBe("");
    expect(backups.kept).toBe("14");
    backups.folder = "/media/usb";
    backups.kept = "7";
    expect(await backups.saveSettings()).toBe(true);
    expect(sent).toEqual({ folder: "/media/usb", kept: "7" });
    expect(backups.notice).toBe("Backup settings saved.");
    expect(backups.kept).toBe("7");
  });

  it("puts each message beside its field and takes away the last notice", async () => {
    mockIPC((cmd) => {
      if (cmd === "backups_status") return status;
      if (cmd === "backups_save_settings") {
        throw { kind: "validation", message: "Please correct the highlighted field.", fields: [{ field: "kept", message: "Keep 1 to 100." }] };
      }
    });
    const backups = new BackupsState();
    await backups.load();
    backups.notice = "Backup settings saved.";
    backups.kept = "0";
    expect(await backups.saveSettings()).toBe(false);
    expect(backups.task.field("kept")).toBe("Keep 1 to 100.");
    expect(backups.task.problem).toBe("Please correct the highlighted field.");
    expect(backups.notice).toBeNull();
    expect(backups.kept).toBe("0");
  });
});

describe("changes heard by the audit trail", () => {
  it("a backup taken and settings saved are heard; loading is not", async () => {
    mockIPC((cmd) => {
      if (cmd === "backups_status") return status;
      if (cmd === "backups_now") return { file: "/data/backups/a.sqlite3" };
      if (cmd === "backups_save_settings") return status;
    });
    let heard = 0;
    const backups = new BackupsState(() => heard++);
    await backups.load();
    expect(heard).toBe(0);
    await backups.backUpNow();
    await backups.saveSettings();
    expect(heard).toBe(2);
  });

  it("a volunteer saved is heard; a refused one is not", async () => {
    let refuse = false;
    mockIPC((cmd) => {
      if (cmd === "volunteers_save") {
        if (refuse) throw { kind: "validation", message: "Please correct the highlighted field.", fields: [{ field: "pin", message: "Use 4 to 8 digits." }] };
        return { id: 2, name: "Sam", role: "counter", active: true };
      }
      if (cmd === "volunteers_list") return [];
    });
    let heard = 0;
    const volunteers = new VolunteersState(() => heard++);
    volunteers.add();
    await volunteers.save();
    expect(heard).toBe(1);
    refuse = true;
    volunteers.add();
    await volunteers.save();
    expect(heard).toBe(1);
  });
});

describe("VolunteersState", () => {
  it("saves a new volunteer and lists them", async () => {
    const list = [{ id: 1, name: "Alex", role: "admin", active: true }];
    mockIPC((cmd, args) => {
      if (cmd === "volunteers_list") return list;
      if (cmd === "volunteers_roles") return [{ role: "counter", label: "counter volunteer" }, { role: "admin", label: "admin" }];
      if (cmd === "volunteers_idle_lock") return 10;
      if (cmd === "volunteers_save") {
        const form = (args as { form: { name: string } }).form;
        list.push({ id: 2, name: form.name, role: "counter", active: true });
        return list[1];
      }
    });
    const volunteers = new VolunteersState();
    await volunteers.load();
    expect(volunteers.idleMinutes).toBe("10");
    expect(volunteers.roleLabel(volunteers.list[0])).toBe("admin");
    volunteers.add();
    volunteers.form!.name = "Sam";
    volunteers.form!.pin = "1111";
    expect(await volunteers.save()).toBe(true);
    expect(volunteers.form).toBeNull();
    expect(volunteers.notice).toBe("Sam is saved.");
    expect(volunteers.list.map((v) => v.name)).toEqual(["Alex", "Sam"]);
  });

  it("keeps the form open with the field's message when the library refuses it", async () => {
    mockIPC((cmd) => {
      if (cmd === "volunteers_save") {
        throw { kind: "validation", message: "Please correct the highlighted field.", fields: [{ field: "pin", message: "Use 4 to 8 digits." }] };
      }
    });
    const volunteers = new VolunteersState();
    volunteers.add();
    expect(await volunteers.save()).toBe(false);
    expect(volunteers.form).not.toBeNull();
    expect(volunteers.task.field("pin")).toBe("Use 4 to 8 digits.");
  });
});

describe("AuditState", () => {
  it("shows a wrong date beside its field, not as a banner", async () => {
    mockIPC(() => {
      throw { kind: "validation", message: "Please correct the highlighted field.", fields: [{ field: "from", message: "Use YYYY-MM-DD." }] };
    });
    const audit = new AuditState();
    audit.filter.from = "yesterday";
    await audit.load();
    expect(audit.task.field("from")).toBe("Use YYYY-MM-DD.");
    expect(audit.problem).toBeNull();
  });

  it("shows any other failure as a banner", async () => {
    mockIPC(() => {
      throw { kind: "forbidden", message: "Viewing the audit trail needs a manager." };
    });
    const audit = new AuditState();
    await audit.load();
    expect(audit.problem).toBe("Viewing the audit trail needs a manager.");
  });
});

describe("SecurityState", () => {
  const printed = {
    fingerprint: "ab12",
    sheetPrintedAt: "2026-12-01T10:00:00Z",
    audit: { head: { entries: 3, hash: "00" }, broken: null },
  };

  it("asks admins to act on a scheduled backup that could not be taken, until one is", async () => {
    let failed: BackupStatus["failed"] = { at: "2026-12-07T09:00:00Z", problem: "The backup folder /media/usb is not there." };
    mockIPC((cmd) => {
      if (cmd === "security_status") return printed;
      if (cmd === "security_sheet_folder") return "/home/pat/Documents";
      if (cmd === "backups_status") return { ...status, stale: false, failed };
    });
    const security = new SecurityState();
    await security.load();
    expect(security.backupFailed?.problem).toBe("The backup folder /media/usb is not there.");
    expect(security.needsAttention).toBe(true);
    failed = null;
    await security.load();
    expect(security.backupFailed).toBeNull();
    expect(security.needsAttention).toBe(false);
  });
});
