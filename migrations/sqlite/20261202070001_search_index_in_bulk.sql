-- Households inserted many at a time (an import, the demo pantry) are added to the search
-- indexes in one statement after they are all in, instead of row by row through the
-- triggers: FTS5 writes what it holds in memory to a new segment at every statement, and
-- row-by-row statements of 1,000 households left it a hundred small segments to merge again
-- and again. `search_index_deferred` holds a row only inside such an insert's transaction.
CREATE TABLE search_index_deferred (id INTEGER PRIMARY KEY CHECK (id = 1));
DROP TRIGGER households_fts_insert;
CREATE TRIGGER households_fts_insert AFTER INSERT ON households
WHEN NOT EXISTS (SELECT 1 FROM search_index_deferred) BEGIN
    INSERT INTO households_fts (rowid, search_name, postcode_key, phone_digits, membership_number)
    VALUES (new.id, new.search_name, new.postcode_key, new.phone_digits, new.membership_number);
END;
DROP TRIGGER households_words_insert;
CREATE TRIGGER households_words_insert AFTER INSERT ON households
WHEN NOT EXISTS (SELECT 1 FROM search_index_deferred) BEGIN
    INSERT INTO households_words (rowid, search_name) VALUES (new.id, new.search_name);
END;
