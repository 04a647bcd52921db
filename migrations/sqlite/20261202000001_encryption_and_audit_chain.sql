-- Encryption at rest and a tamper-evident audit trail.

-- Each recovery sheet printed, for which key (its fingerprint: a hash, never the key), so
-- admins are told while the current key has no sheet.
CREATE TABLE recovery_sheets (
    id               INTEGER PRIMARY KEY,
    printed_at       TEXT NOT NULL,
    by               TEXT NOT NULL,
    key_fingerprint  TEXT NOT NULL
) STRICT;

-- The audit trail's hash chain: for each entry, SHA-256 over the previous entry's hash and
-- this entry's fields (`audit::chain`). Written with the entry, in its transaction; an entry
-- edited, removed or slipped in afterwards no longer matches.
CREATE TABLE audit_chain (
    entry_id  INTEGER PRIMARY KEY REFERENCES audit_log (id),
    hash      BLOB    NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE TRIGGER audit_chain_append_only_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;
CREATE TRIGGER audit_chain_append_only_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit chain is append-only'); END;

-- Entries written before the chain existed, to be linked once (the first time the chain is
-- used after this migration; then the row goes).
CREATE TABLE audit_chain_legacy (up_to INTEGER NOT NULL) STRICT;
INSERT INTO audit_chain_legacy (up_to) SELECT COALESCE(MAX(id), 0) FROM audit_log;

-- The chain's head when each backup was taken (entries and hash, hex).
ALTER TABLE backups ADD COLUMN audit_entries INTEGER;
ALTER TABLE backups ADD COLUMN audit_head TEXT;
