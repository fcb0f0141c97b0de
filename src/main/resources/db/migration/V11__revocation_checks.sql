-- provisioning: after a leaver's operations on a target are acknowledged, whether access is really
-- gone there (read back), when, and against the target's revocation SLO
create table revocation (
    identity_key    varchar(64)  not null,
    target          varchar(100) not null,
    correlation_id  varchar(64)  not null,
    hr_received_at  timestamp with time zone not null,
    acked_at        timestamp with time zone not null,
    checked_at      timestamp with time zone not null,
    result          varchar(20)  not null,
    detail          varchar(2000) not null,
    slo_ms          bigint,
    breached        integer      not null,
    primary key (identity_key, target, correlation_id)
);
create index revocation_target on revocation (target, checked_at);
