-- Each visit keeps the household's preferred language as it was then, like its other
-- snapshots, so the landlord summary's households by language never change for a past period
-- (a later change of language, or an erasure, which resets it to English, leaves past visits
-- as they were). Visits made before this were in the household's language as it is now.
ALTER TABLE visits ADD COLUMN snap_language TEXT NOT NULL DEFAULT 'en';
UPDATE visits SET snap_language = (SELECT h.language FROM households h WHERE h.id = visits.household_id)
 WHERE household_id IN (SELECT id FROM households WHERE language <> 'en');
-- Each household's latest visit in a period, with the household as it was then, now with its
-- language: the summary still reads it from the index alone.
DROP INDEX idx_visits_household_report;
CREATE INDEX idx_visits_household_report ON visits (
    household_id, local_date, snap_neighbourhood_id, snap_adults, snap_children,
    snap_landlord_tenant, snap_language, record_key, voided_at
) WHERE voided_at IS NULL;
