-- Reaching members who cannot come: support needs and the welfare contact list, households
-- that receive deliveries, delivery rounds with their home deliveries, the standard parcel,
-- items' allergens and diets (for packing), and visits made by delivery.

-- Households with support needs not seen (nor spoken to) for this many weeks are on the
-- welfare contact list.
ALTER TABLE pantry_settings ADD COLUMN contact_after_weeks INTEGER NOT NULL DEFAULT 3
    CHECK (contact_after_weeks BETWEEN 1 AND 52);

-- A need for support the member agreed to have recorded, with why (one row per need; a need
-- that no longer applies is deleted: nothing is kept that the pantry does not need).
CREATE TABLE support_needs (
    household_id  INTEGER NOT NULL REFERENCES households (id),
    need          TEXT    NOT NULL CHECK (need IN ('isolated', 'self_isolating', 'limited_mobility',
                                                   'disability', 'mental_health', 'caring')),
    -- The last day it applies (e.g. self-isolating until); NULL = until removed.
    until         TEXT,
    reason        TEXT    NOT NULL DEFAULT '',
    consent_at    TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    PRIMARY KEY (household_id, need)
) STRICT;

-- Each welfare call made, with its outcome and the next follow-up date; a call that found the
-- member needs help points at the referral made from it.
CREATE TABLE contact_attempts (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    at            TEXT    NOT NULL,
    local_date    TEXT    NOT NULL,
    volunteer     TEXT    NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('no_answer', 'left_message', 'fine',
                                                      'needs_help', 'wrong_number')),
    note          TEXT    NOT NULL DEFAULT '',
    follow_up_on  TEXT,
    referral_id   INTEGER REFERENCES referrals (id)
) STRICT;
CREATE INDEX idx_contact_attempts_household ON contact_attempts (household_id, id);
CREATE INDEX idx_contact_attempts_local_date ON contact_attempts (local_date);

-- Households that receive deliveries (ongoing, or until a date), with where and how. Only
-- these households have an address stored; stopping deliveries deletes the row.
CREATE TABLE delivery_households (
    household_id   INTEGER PRIMARY KEY REFERENCES households (id),
    until          TEXT,
    address_lines  TEXT    NOT NULL,
    postcode       TEXT    NOT NULL,
    access_notes   TEXT    NOT NULL DEFAULT '',
    phone          TEXT    NOT NULL DEFAULT '',
    -- How the weekly fee is settled at the door.
    fee_method     TEXT    NOT NULL DEFAULT 'waived' CHECK (fee_method IN ('cash', 'card', 'voucher', 'waived')),
    set_at         TEXT    NOT NULL,
    set_by         TEXT    NOT NULL
) STRICT;

-- A delivery round on a date.
CREATE TABLE delivery_rounds (
    id          INTEGER PRIMARY KEY,
    on_date     TEXT    NOT NULL UNIQUE,
    planned_at  TEXT    NOT NULL,
    planned_by  TEXT    NOT NULL
) STRICT;

-- One stop of a round: one household, its parcels, what was packed and what happened. A
-- delivered stop is a visit (method 'delivery'); a stop not delivered returns its stock.
CREATE TABLE home_deliveries (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES delivery_rounds (id),
    household_id  INTEGER NOT NULL REFERENCES households (id),
    position      INTEGER NOT NULL CHECK (position > 0),
    parcels       INTEGER NOT NULL DEFAULT 1 CHECK (parcels BETWEEN 1 AND 9),
    items         INTEGER NOT NULL DEFAULT 0 CHECK (items >= 0),
    packed_at     TEXT,
    packed_by     TEXT,
    outcome       TEXT    CHECK (outcome IN ('delivered', 'not_in', 'refused')),
    outcome_at    TEXT,
    outcome_by    TEXT,
    visit_id      INTEGER REFERENCES visits (id),
    UNIQUE (round_id, household_id),
    CHECK ((outcome IS NOT NULL) = (outcome_at IS NOT NULL)),
    CHECK ((outcome IS 'delivered') = (visit_id IS NOT NULL))
) STRICT;
CREATE INDEX idx_home_deliveries_household ON home_deliveries (household_id);

-- Record keys for the cell key method (as visits and referrals have them): a frozen copy of
-- the household's key, so the landlord summary's delivery and call counts are protected.
ALTER TABLE home_deliveries ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 255);
ALTER TABLE contact_attempts ADD COLUMN record_key INTEGER CHECK (record_key BETWEEN 0 AND 255);
CREATE TRIGGER home_deliveries_record_key AFTER INSERT ON home_deliveries WHEN NEW.record_key IS NULL
BEGIN
    UPDATE home_deliveries SET record_key = (SELECT record_key FROM households WHERE id = NEW.household_id)
     WHERE id = NEW.id;
END;
CREATE TRIGGER contact_attempts_record_key AFTER INSERT ON contact_attempts WHEN NEW.record_key IS NULL
BEGIN
    UPDATE contact_attempts SET record_key = (SELECT record_key FROM households WHERE id = NEW.household_id)
     WHERE id = NEW.id;
END;

-- The standard parcel: each item packed per household plus per person.
CREATE TABLE parcel_lines (
    item_id        INTEGER PRIMARY KEY REFERENCES items (id),
    per_household  INTEGER NOT NULL DEFAULT 0 CHECK (per_household BETWEEN 0 AND 50),
    per_person     INTEGER NOT NULL DEFAULT 0 CHECK (per_person BETWEEN 0 AND 20),
    CHECK (per_household + per_person > 0)
) STRICT;

-- What an item contains (the fourteen allergens' codes) and the diets it suits, as
-- comma-separated codes; a parcel leaves out what a household must not have.
ALTER TABLE items ADD COLUMN allergens TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN suits TEXT NOT NULL DEFAULT '';

-- How a visit happened: at the counter, or a parcel delivered.
ALTER TABLE visits ADD COLUMN method TEXT NOT NULL DEFAULT 'counter'
    CHECK (method IN ('counter', 'delivery'));

-- The ledger learns the home delivery as a document: packing moves stock out ('packing'),
-- a parcel that comes back returns it ('return'). SQLite cannot change a CHECK in place, so
-- the table is rebuilt with its rows, indexes and append-only triggers.
CREATE TABLE stock_movements_new (
    id                INTEGER PRIMARY KEY,
    at                TEXT    NOT NULL,
    local_date        TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('opening', 'delivery', 'distribution', 'return',
                                                       'waste', 'adjustment', 'packing')),
    item_id           INTEGER NOT NULL REFERENCES items (id),
    batch_id          INTEGER NOT NULL REFERENCES batches (id),
    quantity          INTEGER NOT NULL CHECK (quantity <> 0),
    value_pence       INTEGER,
    delivery_id       INTEGER REFERENCES deliveries (id),
    visit_id          INTEGER REFERENCES visits (id),
    waste_id          INTEGER REFERENCES wastes (id),
    count_id          INTEGER REFERENCES stock_counts (id),
    home_delivery_id  INTEGER REFERENCES home_deliveries (id),
    CHECK ((delivery_id IS NOT NULL) + (visit_id IS NOT NULL) + (waste_id IS NOT NULL)
           + (count_id IS NOT NULL) + (home_delivery_id IS NOT NULL) = (kind <> 'opening'))
) STRICT;
INSERT INTO stock_movements_new (id, at, local_date, kind, item_id, batch_id, quantity, value_pence,
                                 delivery_id, visit_id, waste_id, count_id)
SELECT id, at, local_date, kind, item_id, batch_id, quantity, value_pence,
       delivery_id, visit_id, waste_id, count_id
FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;
CREATE INDEX idx_stock_movements_item ON stock_movements (item_id, id);
CREATE INDEX idx_stock_movements_visit ON stock_movements (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX idx_stock_movements_delivery ON stock_movements (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX idx_stock_movements_home_delivery ON stock_movements (home_delivery_id)
    WHERE home_delivery_id IS NOT NULL;
CREATE INDEX idx_stock_movements_date ON stock_movements (local_date, kind);
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only: record a correction instead'); END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock movements are append-only: record a correction instead'); END;

-- Run sheets, parcel labels, packing lists and call sheets carry households too: erasing one
-- deletes them. The kinds' CHECK is widened by rebuilding the table.
CREATE TABLE household_files_new (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('subject-access', 'card', 'card-sheet', 'slip', 'welcome',
                                                   'run-sheet', 'labels', 'packing', 'call-sheet')),
    file          TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    at            TEXT    NOT NULL
) STRICT;
INSERT INTO household_files_new SELECT id, household_id, kind, file, sha256, at FROM household_files;
DROP TABLE household_files;
ALTER TABLE household_files_new RENAME TO household_files;
CREATE INDEX idx_household_files_household ON household_files (household_id);
CREATE INDEX idx_household_files_file ON household_files (file);
