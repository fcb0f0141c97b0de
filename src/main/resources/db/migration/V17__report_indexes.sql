-- the compliance report reads each of these by time range
create index lifecycle_event_time on lifecycle_event (occurred_at);
create index hr_quarantine_time on hr_quarantine (received_at);
create index revocation_time on revocation (checked_at);
