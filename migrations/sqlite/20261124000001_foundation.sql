-- Foundation schema: the pantry's own settings, its neighbourhoods, the audit trail,
-- and the household and visit tables that every later area builds on.
-- Instants are UTC RFC 3339 text; calendar dates are YYYY-MM-DD; money is integer pence.

CREATE TABLE pantry_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    name              TEXT    NOT NULL,
    short_code        TEXT    NOT NULL,
    address           TEXT    NOT NULL,
    landlord_name     TEXT    NOT NULL,
    time_zone         TEXT    NOT NULL,
    weekly_fee_pence  INTEGER NOT NULL CHECK (weekly_fee_pence >= 0),
    items_per_visit   INTEGER NOT NULL CHECK (items_per_visit > 0),
    visits_per_week   INTEGER NOT NULL CHECK (visits_per_week > 0),
    membership_weeks  INTEGER NOT NULL CHECK (membership_weeks > 0),
    retention_months  INTEGER NOT NULL DEFAULT 24 CHECK (retention_months > 0),
    -- How often a household may shop: 'week' (visits_per_week per calendar week starting on
    -- week_start, 0 = Monday … 6 = Sunday) or 'days' (one visit every days_between_visits days).
    visit_rule           TEXT    NOT NULL DEFAULT 'week' CHECK (visit_rule IN ('week', 'days')),
    week_start           INTEGER NOT NULL DEFAULT 0 CHECK (week_start BETWEEN 0 AND 6),
    days_between_visits  INTEGER NOT NULL DEFAULT 7 CHECK (days_between_visits > 0),
    -- Referrals with no outcome this many days after they were made need following up.
    referral_follow_up_days  INTEGER NOT NULL DEFAULT 14 CHECK (referral_follow_up_days >= 0),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
) STRICT;

-- Neighbourhoods are never deleted (visits keep pointing at them); a removed one is inactive.
CREATE TABLE neighbourhoods (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    position  INTEGER NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT,
    details  TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX idx_audit_log_action ON audit_log (action, id);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Postcode districts the pantry has mapped to its neighbourhoods (suggestions at registration).
CREATE TABLE postcode_districts (
    district          TEXT    PRIMARY KEY,
    neighbourhood_id  INTEGER NOT NULL REFERENCES neighbourhoods (id)
) STRICT;

-- A membership is a household. search_name, postcode_key and phone_digits are folded copies
-- (lower case, no accents, no spaces) that the type-ahead search uses.
CREATE TABLE households (
    id                 INTEGER PRIMARY KEY,
    membership_number  TEXT    NOT NULL UNIQUE,
    lead_name          TEXT    NOT NULL,
    search_name        TEXT    NOT NULL,
    adults             INTEGER NOT NULL CHECK (adults >= 1),
    children           INTEGER NOT NULL CHECK (children >= 0),
    postcode           TEXT    NOT NULL,
    postcode_key       TEXT    NOT NULL,
    postcode_district  TEXT    NOT NULL,
    neighbourhood_id   INTEGER REFERENCES neighbourhoods (id),
    landlord_tenant    INTEGER NOT NULL DEFAULT 0 CHECK (landlord_tenant IN (0, 1)),
    tenancy_ref        TEXT    NOT NULL DEFAULT '',
    phone              TEXT    NOT NULL DEFAULT '',
    phone_digits       TEXT    NOT NULL DEFAULT '',
    email              TEXT    NOT NULL DEFAULT '',
    dietary            TEXT    NOT NULL DEFAULT '',
    allergies          TEXT    NOT NULL DEFAULT '',
    dietary_notes      TEXT    NOT NULL DEFAULT '',
    notes              TEXT    NOT NULL DEFAULT '',
    consent_at         TEXT,
    consent_version    TEXT,
    joined_on          TEXT    NOT NULL,
    expires_on         TEXT    NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left')),
    erased_at          TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
) STRICT;

CREATE INDEX idx_households_search_name ON households (search_name);
CREATE INDEX idx_households_postcode_key ON households (postcode_key);
CREATE INDEX idx_households_phone_digits ON households (phone_digits) WHERE phone_digits != '';
CREATE INDEX idx_households_email ON households (email) WHERE email != '';
CREATE INDEX idx_households_neighbourhood ON households (neighbourhood_id);
CREATE INDEX idx_households_expires_on ON households (expires_on);

-- Substring search over the folded name, postcode, phone and number.
CREATE VIRTUAL TABLE households_fts USING fts5 (
    search_name, postcode_key, phone_digits, membership_number,
    content = 'households', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER households_fts_insert AFTER INSERT ON households BEGIN
    INSERT INTO households_fts (rowid, search_name, postcode_key, phone_digits, membership_number)
    VALUES (new.id, new.search_name, new.postcode_key, new.phone_digits, new.membership_number);
END;
CREATE TRIGGER households_fts_delete AFTER DELETE ON households BEGIN
    INSERT INTO households_fts (households_fts, rowid, search_name, postcode_key, phone_digits, membership_number)
    VALUES ('delete', old.id, old.search_name, old.postcode_key, old.phone_digits, old.membership_number);
END;
CREATE TRIGGER households_fts_update AFTER UPDATE OF search_name, postcode_key, phone_digits, membership_number
ON households BEGIN
    INSERT INTO households_fts (households_fts, rowid, search_name, postcode_key, phone_digits, membership_number)
    VALUES ('delete', old.id, old.search_name, old.postcode_key, old.phone_digits, old.membership_number);
    INSERT INTO households_fts (rowid, search_name, postcode_key, phone_digits, membership_number)
    VALUES (new.id, new.search_name, new.postcode_key, new.phone_digits, new.membership_number);
END;

-- Word-prefix search over the folded name ("smi" finds "Amelia Smith", "le" finds "Van Le").
CREATE VIRTUAL TABLE households_words USING fts5 (
    search_name, content = 'households', content_rowid = 'id', prefix = '1 2 3'
);
CREATE TRIGGER households_words_insert AFTER INSERT ON households BEGIN
    INSERT INTO households_words (rowid, search_name) VALUES (new.id, new.search_name);
END;
CREATE TRIGGER households_words_delete AFTER DELETE ON households BEGIN
    INSERT INTO households_words (households_words, rowid, search_name) VALUES ('delete', old.id, old.search_name);
END;
CREATE TRIGGER households_words_update AFTER UPDATE OF search_name ON households BEGIN
    INSERT INTO households_words (households_words, rowid, search_name) VALUES ('delete', old.id, old.search_name);
    INSERT INTO households_words (rowid, search_name) VALUES (new.id, new.search_name);
END;

-- Membership cards. The barcode carries the card number (7-digit membership serial, 2-digit
-- issue, Luhn check digit), so a lost card can be revoked and refused while its replacement works.
CREATE TABLE cards (
    id             INTEGER PRIMARY KEY,
    household_id   INTEGER NOT NULL REFERENCES households (id),
    card_number    TEXT    NOT NULL UNIQUE,
    issue          INTEGER NOT NULL CHECK (issue > 0),
    issued_at      TEXT    NOT NULL,
    printed_at     TEXT,
    revoked_at     TEXT,
    revoke_reason  TEXT
) STRICT;
CREATE INDEX idx_cards_household ON cards (household_id);
CREATE INDEX idx_cards_to_print ON cards (id) WHERE printed_at IS NULL AND revoked_at IS NULL;

-- Other people in the household (optional).
CREATE TABLE household_members (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    first_name    TEXT    NOT NULL,
    birth_year    INTEGER
) STRICT;
CREATE INDEX idx_household_members_household ON household_members (household_id);
CREATE INDEX idx_household_members_birth_year ON household_members (birth_year);

-- The household's own history: each change, field by field, shown on its page. Unlike the
-- audit log, values here are personal data, so erasure blanks them (the rows stay).
CREATE TABLE household_changes (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    at            TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    field         TEXT,
    before        TEXT,
    after         TEXT,
    reason        TEXT
) STRICT;
CREATE INDEX idx_household_changes_household ON household_changes (household_id, id);

-- A visit freezes a snapshot of the household so past reports never change.
CREATE TABLE visits (
    id                       INTEGER PRIMARY KEY,
    household_id             INTEGER NOT NULL REFERENCES households (id),
    at                       TEXT    NOT NULL,
    local_date               TEXT    NOT NULL,
    items                    INTEGER NOT NULL CHECK (items >= 0),
    fee_pence                INTEGER NOT NULL CHECK (fee_pence >= 0),
    fee_method               TEXT    NOT NULL CHECK (fee_method IN ('cash', 'card', 'voucher', 'waived')),
    volunteer                TEXT    NOT NULL,
    note                     TEXT    NOT NULL DEFAULT '',
    snap_adults              INTEGER NOT NULL,
    snap_children            INTEGER NOT NULL,
    snap_neighbourhood_id    INTEGER REFERENCES neighbourhoods (id),
    snap_landlord_tenant     INTEGER NOT NULL CHECK (snap_landlord_tenant IN (0, 1)),
    card_number              TEXT,
    -- The counter's id for this check-in: a repeated Enter or scan records it once.
    request_id               TEXT    UNIQUE,
    override_reason          TEXT,
    voided_at                TEXT,
    voided_by                TEXT,
    void_reason              TEXT
) STRICT;

CREATE INDEX idx_visits_household_at ON visits (household_id, at);
CREATE INDEX idx_visits_local_date ON visits (local_date);

-- Cash-up at close: cash expected from the day's visits against cash counted.
CREATE TABLE cash_ups (
    id                INTEGER PRIMARY KEY,
    local_date        TEXT    NOT NULL,
    at                TEXT    NOT NULL,
    expected_pence    INTEGER NOT NULL,
    counted_pence     INTEGER NOT NULL,
    difference_pence  INTEGER NOT NULL,
    volunteer         TEXT    NOT NULL,
    note              TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Advice agencies the pantry refers members to.
CREATE TABLE agencies (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    kind            TEXT    NOT NULL CHECK (kind IN ('money', 'energy', 'employment', 'wellbeing', 'tenancy', 'other')),
    contact_person  TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    email           TEXT    NOT NULL DEFAULT '',
    address         TEXT    NOT NULL DEFAULT '',
    opening_hours   TEXT    NOT NULL DEFAULT '',
    how_to_refer    TEXT    NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

-- A referral: made (with the member's consent to share) → contacted → outcome.
CREATE TABLE referrals (
    id                 INTEGER PRIMARY KEY,
    reference          TEXT    NOT NULL UNIQUE,
    household_id       INTEGER NOT NULL REFERENCES households (id),
    agency_id          INTEGER NOT NULL REFERENCES agencies (id),
    reason             TEXT    NOT NULL,
    reason_detail      TEXT    NOT NULL DEFAULT '',
    urgency            TEXT    NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    consent_at         TEXT    NOT NULL,
    made_at            TEXT    NOT NULL,
    made_on            TEXT    NOT NULL,
    made_by            TEXT    NOT NULL,
    contacted_at       TEXT,
    contacted_by       TEXT,
    outcome            TEXT,
    outcome_note       TEXT    NOT NULL DEFAULT '',
    outcome_at         TEXT,
    outcome_by         TEXT
) STRICT;
CREATE INDEX idx_referrals_household ON referrals (household_id);
CREATE INDEX idx_referrals_open ON referrals (made_on) WHERE outcome IS NULL;
