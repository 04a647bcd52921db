-- Reports: membership events frozen when they happen (so past periods never change when a
-- household is edited or erased), report settings, and the history of exports.

-- Joining and renewing, with the neighbourhood and tenancy as they were at the time.
CREATE TABLE membership_events (
    id                 INTEGER PRIMARY KEY,
    household_id       INTEGER NOT NULL REFERENCES households (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('joined', 'renewed')),
    local_date         TEXT    NOT NULL,
    neighbourhood_id   INTEGER REFERENCES neighbourhoods (id),
    landlord_tenant    INTEGER NOT NULL CHECK (landlord_tenant IN (0, 1))
) STRICT;
CREATE INDEX idx_membership_events_date ON membership_events (local_date, kind);

-- Every household joins exactly once, however it was registered (form, import, demo data).
CREATE TRIGGER households_joined AFTER INSERT ON households
BEGIN
    INSERT INTO membership_events (household_id, kind, local_date, neighbourhood_id, landlord_tenant)
    VALUES (NEW.id, 'joined', NEW.joined_on, NEW.neighbourhood_id, NEW.landlord_tenant);
END;

-- Households registered before this version joined when their record says.
INSERT INTO membership_events (household_id, kind, local_date, neighbourhood_id, landlord_tenant)
SELECT id, 'joined', joined_on, neighbourhood_id, landlord_tenant FROM households;

-- Small counts (1 to threshold − 1) are shown as "<threshold" in neighbourhood cells.
ALTER TABLE pantry_settings ADD COLUMN report_small_count INTEGER NOT NULL DEFAULT 5
    CHECK (report_small_count BETWEEN 2 AND 20);
-- Value of an item when it is not known (for the estimate of member savings), in pence.
ALTER TABLE pantry_settings ADD COLUMN average_item_value_pence INTEGER NOT NULL DEFAULT 100
    CHECK (average_item_value_pence >= 0);

-- An indicative social value per referral outcome, set by the landlord (none by default).
CREATE TABLE social_values (
    outcome      TEXT    PRIMARY KEY,
    value_pence  INTEGER NOT NULL CHECK (value_pence >= 0)
) STRICT;

CREATE TABLE report_exports (
    id           INTEGER PRIMARY KEY,
    at           TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('summary', 'rollup')),
    period_from  TEXT    NOT NULL,
    period_to    TEXT    NOT NULL,
    format       TEXT    NOT NULL CHECK (format IN ('csv', 'xlsx', 'pdf', 'json')),
    file         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL
) STRICT;

-- The landlord summary reads a period's visits by date with these columns.
CREATE INDEX idx_visits_report ON visits (local_date, snap_neighbourhood_id, household_id, items, fee_pence)
    WHERE voided_at IS NULL;
