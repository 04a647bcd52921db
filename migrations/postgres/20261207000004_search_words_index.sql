-- Type-ahead search by the words of a household's name, on a server as fast as on a laptop.
-- On SQLite the FTS5 table households_words gives the households whose name has a word
-- starting with what was typed, in id order, so a search stops at its limit. Here the same
-- answer comes from this table: each word of each household's folded name (runs of letters
-- and digits, as FTS5 splits them), kept by a trigger, its key ordered by word and household.
-- An erased household's name is blank: it has no words here.
CREATE TABLE households_words (
    word          TEXT   NOT NULL,
    household_id  BIGINT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    PRIMARY KEY (word, household_id)
);
CREATE INDEX idx_households_words_household ON households_words (household_id);
ALTER TABLE households_words ALTER COLUMN word SET STATISTICS 0;

-- The words of a folded name.
CREATE FUNCTION pantry_name_words(name TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(name, '[^a-z0-9]+') AS w WHERE w <> ''
$$;

CREATE FUNCTION pantry_index_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.search_name IS NOT DISTINCT FROM OLD.search_name THEN
            RETURN NULL;
        END IF;
        DELETE FROM households_words WHERE household_id = OLD.id;
    END IF;
    INSERT INTO households_words (word, household_id)
    SELECT w, NEW.id FROM pantry_name_words(NEW.search_name) AS w;
    RETURN NULL;
END $$;

CREATE TRIGGER households_words_index AFTER INSERT OR UPDATE OF search_name ON households
FOR EACH ROW EXECUTE FUNCTION pantry_index_name_words();

-- Every household's words, made again at once (after a copy, which holds the triggers).
CREATE FUNCTION pantry_index_all_name_words() RETURNS void LANGUAGE sql AS $$
    DELETE FROM households_words;
    INSERT INTO households_words (word, household_id)
    SELECT w, h.id FROM households h, pantry_name_words(h.search_name) AS w;
$$;

SELECT pantry_index_all_name_words();

-- Erasure rewrites this table too (its old rows held the erased name's words).
CREATE OR REPLACE FUNCTION pantry_rewrite_erased() RETURNS void
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
    CLUSTER households_words USING households_words_pkey;
END $$;
