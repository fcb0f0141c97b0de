-- The workers a snapshot left out are found by reading a source's stored rows in employee-number
-- order, a page at a time: an index that serves that range directly. The index on seen_in served the
-- old way (every unchanged row marked seen) and only costs writes now.
create index hr_snapshot_row_source on hr_snapshot_row (source, employee_number);
drop index hr_snapshot_row_seen;
