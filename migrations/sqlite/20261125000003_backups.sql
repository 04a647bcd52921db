-- Automatic backups: where they go and how many are kept, and a record of each one taken.

-- Empty = the `backups` folder beside the database (a USB stick or synced folder is better).
ALTER TABLE pantry_settings ADD COLUMN backup_folder TEXT NOT NULL DEFAULT '';
ALTER TABLE pantry_settings ADD COLUMN backups_kept INTEGER NOT NULL DEFAULT 14
    CHECK (backups_kept BETWEEN 1 AND 365);

CREATE TABLE backups (
    id      INTEGER PRIMARY KEY,
    at      TEXT    NOT NULL,
    file    TEXT    NOT NULL,
    reason  TEXT    NOT NULL CHECK (reason IN ('daily', 'close', 'manual', 'before-restore')),
    bytes   INTEGER NOT NULL
) STRICT;
