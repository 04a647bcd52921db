-- A pantry is told from another by a random id made at set-up, not by its short code (two
-- pantries may choose the same one): a restore refuses a backup of another pantry by it.
-- Pantries set up before this get theirs now.
ALTER TABLE pantry_settings ADD COLUMN pantry_id TEXT;
UPDATE pantry_settings SET pantry_id = lower(hex(randomblob(16)));

-- The last scheduled backup that could not be taken (a USB stick not plugged in), until a
-- backup is taken: shown to admins, who otherwise would not know.
ALTER TABLE pantry_settings ADD COLUMN backup_failed_at TEXT;
ALTER TABLE pantry_settings ADD COLUMN backup_failure TEXT;
