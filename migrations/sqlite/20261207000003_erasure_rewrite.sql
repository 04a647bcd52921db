-- The twin of the server's migration of the same version (a function that rewrites the
-- tables after an erasure). A laptop's database needs nothing: secure_delete zeroes what an
-- erasure frees, and the WAL is checkpointed and truncated after it.
SELECT 1;
