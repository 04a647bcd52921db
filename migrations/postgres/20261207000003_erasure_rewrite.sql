-- Erasure leaves nothing in the tables' files. On PostgreSQL an UPDATE or DELETE leaves the
-- old version of a row in the table's file until the table is rewritten, and only a table's
-- owner may rewrite it. The app connects as a role that may not (no DDL), so the owner gives
-- it this one function: it rewrites every table that can hold a household's personal values
-- into new files (CLUSTER, which may run inside a function, unlike VACUUM FULL), together
-- with their indexes (the trigram search indexes among them) and TOAST tables. The old files
-- are emptied when it commits. Each table is locked while it is rewritten: the other desks
-- wait a moment, and a lock not had within the timeout ends it with an error (the erasure
-- itself was committed before; the next one rewrites again).
CREATE FUNCTION pantry_rewrite_erased() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    SET LOCAL lock_timeout = '10s';
    CLUSTER households USING households_pkey;
    CLUSTER household_members USING household_members_pkey;
    CLUSTER household_changes USING household_changes_pkey;
    CLUSTER visits USING visits_pkey;
    CLUSTER referrals USING referrals_pkey;
    CLUSTER cards USING cards_pkey;
    CLUSTER support_needs USING support_needs_pkey;
    CLUSTER contact_attempts USING contact_attempts_pkey;
    CLUSTER delivery_households USING delivery_households_pkey;
    CLUSTER home_deliveries USING home_deliveries_pkey;
    CLUSTER household_files USING household_files_pkey;
    CLUSTER search_words USING search_words_pkey;
END $$;

REVOKE ALL ON FUNCTION pantry_rewrite_erased() FROM PUBLIC;

-- The planner's statistics (pg_statistic, a system table the owner cannot rewrite) keep
-- samples of each column's values: none are gathered for the columns that hold a household's
-- personal values, so no sample of them outlives an erasure there.
DO $$
DECLARE
    personal text[] := ARRAY[
        'households.membership_number', 'households.lead_name', 'households.search_name',
        'households.postcode', 'households.postcode_key', 'households.tenancy_ref',
        'households.phone', 'households.phone_digits', 'households.email',
        'households.dietary', 'households.allergies', 'households.dietary_notes',
        'households.notes',
        'household_members.first_name',
        'household_changes.before', 'household_changes.after', 'household_changes.reason',
        'visits.note', 'visits.card_number', 'visits.override_reason', 'visits.void_reason',
        'referrals.reason_detail', 'referrals.outcome_note',
        'cards.card_number', 'cards.revoke_reason',
        'support_needs.reason', 'contact_attempts.note',
        'delivery_households.address_lines', 'delivery_households.postcode',
        'delivery_households.access_notes', 'delivery_households.phone',
        'household_files.file', 'search_words.word'];
    column_name text;
BEGIN
    FOREACH column_name IN ARRAY personal LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET STATISTICS 0',
                       split_part(column_name, '.', 1), split_part(column_name, '.', 2));
    END LOOP;
END $$;
