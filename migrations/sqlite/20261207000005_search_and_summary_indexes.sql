-- The twin of the server's migration of the same version (a full-text index over the words
-- of households' names; an index of each household's visits, newest first, for the landlord
-- summary). A laptop's database has its FTS5 table households_words and finds a household's
-- latest visit by the rowid of idx_visits_household_report.
SELECT 1;
