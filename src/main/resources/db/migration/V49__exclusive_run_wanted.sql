-- A run waiting for a name another instance holds says so (ExclusiveRuns.await): the holder, letting the
-- name go, then leaves it a moment before taking it again, so that instances sharing one SCIM group take
-- turns instead of the one that let go taking it back every time.
alter table exclusive_run add column wanted_at timestamp with time zone;
