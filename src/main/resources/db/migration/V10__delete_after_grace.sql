-- plan: when a leaver's accounts, disabled since, may be deleted (roster.plan.delete-after)
create table plan_timer (
    identity_key    varchar(64)  primary key,
    due_at          timestamp with time zone not null,
    correlation_id  varchar(64)  not null
);
create index plan_timer_due on plan_timer (due_at);
