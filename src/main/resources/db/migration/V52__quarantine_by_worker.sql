-- hr: a snapshot row that fails validation is held once: the import looks for the same row held already by its
-- worker, source and field. On (status, seq) alone that read every open record, so a file of bad rows took time
-- growing with the square of its size.
create index hr_quarantine_worker on hr_quarantine (employee_number, source, field);
