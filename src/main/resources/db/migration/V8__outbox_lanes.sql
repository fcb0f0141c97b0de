-- Each target's dispatcher reads its lanes (priority first, then routine) in id order and stops
-- after a batch: with this index the scan is in order and short, instead of sorting every pending
-- operation. It replaces outbox_work, which planners preferred for the due-time condition and then
-- had to sort.
drop index outbox_work;
create index outbox_lane on outbox (status, target, priority, id);
