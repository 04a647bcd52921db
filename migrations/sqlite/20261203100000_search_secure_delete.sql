-- Both search indexes remove a deleted or changed household's terms at once (FTS5's
-- `secure-delete` option; SQLite 3.50.4, bundled with SQLCipher 4.10, is the first here that
-- keeps the index sound with it, for every connection). Before, a delete only added a
-- marker, and every erasure merged both whole indexes ('optimize') to drop the terms: about
-- 350 ms at 100,000 households. The option is stored in each index's `_config` table. The
-- indexes are merged once more here, so nothing deleted before this version stays in them.
INSERT INTO households_fts (households_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO households_words (households_words, rank) VALUES ('secure-delete', 1);
INSERT INTO households_fts (households_fts) VALUES ('optimize');
INSERT INTO households_words (households_words) VALUES ('optimize');
