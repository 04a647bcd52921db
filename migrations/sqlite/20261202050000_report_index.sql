-- The landlord summary reads a period's visits from indexes alone, never the table: on the
-- encrypted database every table page read is a page decrypted, and the visits table is the
-- largest there is. Both indexes hold the record keys of the cell key method; `voided_at` is
-- a column as well as the condition so that SQLite sees each index covers its query.
DROP INDEX idx_visits_report;
-- Visits by day and neighbourhood (in index order, so counted without sorting).
CREATE INDEX idx_visits_report ON visits (
    local_date, snap_neighbourhood_id, household_id, items, fee_pence, record_key, voided_at
) WHERE voided_at IS NULL;
-- Each household's latest visit in a period, with the household as it was then.
CREATE INDEX idx_visits_household_report ON visits (
    household_id, local_date, snap_neighbourhood_id, snap_adults, snap_children,
    snap_landlord_tenant, record_key, voided_at
) WHERE voided_at IS NULL;
-- A household's membership events: read when it is registered (the record key trigger) and
-- erased; without it every registration read the whole table.
CREATE INDEX idx_membership_events_household ON membership_events (household_id);
