-- The effective-date scheduler walks what is due in (due_at, employee_number) order, each page after the
-- last, so that dates it cannot apply yet do not hide the ones after them (LifecycleScheduler.fireDue).
create index lifecycle_schedule_due_key on lifecycle_schedule (due_at, employee_number);
drop index lifecycle_schedule_due;
