-- Each desk has a name (set once per laptop, in the data folder's desk.txt), recorded with
-- the visits and the audit entries written there, so that a desk can say "checked in at
-- Desk 2 at 10:02". Rows written before, or at a desk without a name, have none. An audit
-- entry's link covers its desk when it has one.
ALTER TABLE visits ADD COLUMN desk TEXT;
ALTER TABLE audit_log ADD COLUMN desk TEXT;
