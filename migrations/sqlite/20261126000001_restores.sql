-- Restores from a backup: when, by whom, from which backup (and when it was taken), what was
-- undone and where the safety copy is, so the app can say so plainly after it restarts,
-- until a volunteer has read it. The row lives in the restored database.
CREATE TABLE restores (
    id               INTEGER PRIMARY KEY,
    -- Names the restore, so one finished just before a crash is not run again.
    request_id       TEXT NOT NULL UNIQUE,
    at               TEXT NOT NULL,
    by               TEXT NOT NULL,
    from_file        TEXT NOT NULL,
    backup_taken_at  TEXT NOT NULL,
    undone           TEXT NOT NULL,
    safety_copy      TEXT NOT NULL,
    seen_at          TEXT,
    seen_by          TEXT
) STRICT;
