-- Account deletions are walked as effective dates are (V50): in (due_at, identity_key) order, each page after
-- the last, so that deletions that fail do not hide the ones after them (AccountDeletion.deleteDue).
create index plan_timer_due_key on plan_timer (due_at, identity_key);
drop index plan_timer_due;
