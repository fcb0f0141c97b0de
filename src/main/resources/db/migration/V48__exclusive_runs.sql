-- Work that runs once at a time across every instance over the store, whatever instance it was asked of
-- (ExclusiveRuns): a snapshot import per HR source ('snapshot:<source>'), a reconciliation per target
-- ('reconcile:<target>'). Replaces hr_snapshot_running (V47), which held snapshot imports alone. A row is
-- renewed by its instance in cluster mode, and taken over once that instance stopped.
drop table hr_snapshot_running;
create table exclusive_run (
    name         varchar(200) primary key,
    run_id       varchar(64)  not null,
    holder       varchar(200) not null,
    actor        varchar(200) not null,
    started_at   timestamp with time zone not null,
    alive_at     timestamp with time zone not null
);
