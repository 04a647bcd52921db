-- The audit trail's head (entries covered, last link) as each landlord export left it: with
-- the backups' heads, an anchor that a trail cut short or re-linked no longer reaches. The
-- landlord's copy carries the same head.
ALTER TABLE report_exports ADD COLUMN audit_entries INTEGER;
ALTER TABLE report_exports ADD COLUMN audit_head TEXT;
