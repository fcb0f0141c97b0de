-- reconcile: runs in the background with progress, mend mode, finding statuses and accepted drift
alter table reconcile_run add column status varchar(16) default 'FINISHED' not null;
alter table reconcile_run add column mended bigint default 0 not null;
alter table reconcile_finding add column item varchar(200);
alter table reconcile_finding add column note varchar(2000);
create index reconcile_run_target on reconcile_run (target, started_at);
create index reconcile_finding_time on reconcile_finding (found_at);

-- drift someone accepted: later runs report the same drift as ACCEPTED (and mend leaves it) until it expires
create table reconcile_acceptance (
    id           varchar(36)  primary key,
    target       varchar(100) not null,
    kind         varchar(32)  not null,
    subject      varchar(400) not null,
    item         varchar(200) not null,
    identity_key varchar(64),
    reason       varchar(2000) not null,
    accepted_by  varchar(200) not null,
    accepted_at  timestamp with time zone not null,
    expires_at   timestamp with time zone not null,
    finding_id   varchar(36)  not null
);
create index reconcile_acceptance_match on reconcile_acceptance (target, kind, subject, item, expires_at);
