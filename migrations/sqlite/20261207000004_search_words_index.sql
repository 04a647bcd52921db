-- The twin of the server's migration of the same version (a table of the words of
-- households' names, for type-ahead search there). A laptop's database has its FTS5 table
-- households_words for that already.
SELECT 1;
