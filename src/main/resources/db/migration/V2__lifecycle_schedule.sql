-- lifecycle: changes that take effect later (start dates, end dates, future terminations), kept in
-- the store so that they survive restarts; and when each transition took effect, and how late.
create table lifecycle_schedule (
    employee_number varchar(64)  primary key,
    due_at          timestamp with time zone not null,
    hr_event_id     varchar(64)  not null
);
create index lifecycle_schedule_due on lifecycle_schedule (due_at);

alter table lifecycle_event add column effective_at timestamp with time zone;
alter table lifecycle_event add column late_ms bigint;
