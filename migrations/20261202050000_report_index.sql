-- The landlord summary reads a period's visits from this index alone, never the table: with
-- the record keys of the cell key method and the households' snapshot as at each visit. On
-- the encrypted database every table page read is a page decrypted, and the visits table is
-- the largest there is.
DROP INDEX idx_visits_report;
CREATE INDEX idx_visits_report ON visits (
    local_date, snap_neighbourhood_id, household_id, items, fee_pence, record_key,
    snap_adults, snap_children, snap_landlord_tenant
) WHERE voided_at IS NULL;
