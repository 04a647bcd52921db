-- Erasure that leaves nothing: erasures remembered by household id alone (re-applied when an
-- older backup is restored), the files written beside the database that carry a household
-- (deleted when it is erased), and search indexes that forget deleted terms at once.

-- No foreign key: an erasure outlives a restore of a backup that does not have the household.
CREATE TABLE erasures (
    household_id  INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL
) STRICT;
INSERT INTO erasures (household_id, at)
SELECT id, erased_at FROM households WHERE erased_at IS NOT NULL;

-- Documents Pantry wrote that carry a household: its subject-access exports, its printed
-- card, a sheet of cards (one row per household on it) and referral slips. `sha256` is of the
-- bytes written, so a file replaced since by something else is not deleted.
CREATE TABLE household_files (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('subject-access', 'card', 'card-sheet', 'slip', 'welcome')),
    file          TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    at            TEXT    NOT NULL
) STRICT;
CREATE INDEX idx_household_files_household ON household_files (household_id);
CREATE INDEX idx_household_files_file ON household_files (file);

-- Households erased before this version kept some personal values (referral detail and
-- outcome notes, override and void reasons, card and membership numbers): blank them now.
UPDATE referrals SET reason_detail = '', outcome_note = ''
WHERE household_id IN (SELECT id FROM households WHERE erased_at IS NOT NULL);
UPDATE visits SET note = '', card_number = NULL,
    override_reason = CASE WHEN override_reason IS NULL THEN NULL ELSE '' END,
    void_reason = CASE WHEN void_reason IS NULL THEN NULL ELSE '' END
WHERE household_id IN (SELECT id FROM households WHERE erased_at IS NOT NULL);
UPDATE cards SET card_number = 'erased-' || id,
    revoke_reason = CASE WHEN revoke_reason IS NULL THEN NULL ELSE '' END
WHERE household_id IN (SELECT id FROM households WHERE erased_at IS NOT NULL);
UPDATE households SET membership_number = 'erased-' || id, consent_version = NULL
WHERE erased_at IS NOT NULL;

-- FTS5 keeps a deleted row's terms in its segments until they are merged: merge once now to
-- drop what earlier edits and erasures left behind (each erasure merges again).
INSERT INTO households_fts (households_fts) VALUES ('optimize');
INSERT INTO households_words (households_words) VALUES ('optimize');
