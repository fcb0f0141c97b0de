-- reconcile: each run over a target, and the drift it found
create table reconcile_run (
    id          varchar(36)  primary key,
    target      varchar(100) not null,
    mode        varchar(16)  not null,
    actor       varchar(200) not null,
    started_at  timestamp with time zone not null,
    finished_at timestamp with time zone,
    accounts    bigint       not null,
    findings    bigint       not null,
    error       varchar(2000)
);
create table reconcile_finding (
    id            varchar(36)  primary key,
    run_id        varchar(36)  not null references reconcile_run (id),
    target        varchar(100) not null,
    identity_key  varchar(64),
    account_key   varchar(400),
    kind          varchar(32)  not null,
    detail        varchar(2000) not null,
    status        varchar(16)  not null,
    found_at      timestamp with time zone not null
);
create index reconcile_finding_run on reconcile_finding (run_id, kind);
create index reconcile_finding_open on reconcile_finding (target, status);
