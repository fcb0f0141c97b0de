-- provisioning: operations on systems that cannot take them automatically, done by their owner by hand
create table manual_task (
    id              varchar(36)  primary key,
    target          varchar(100) not null,
    outbox_id       bigint       not null unique,
    identity_key    varchar(64)  not null,
    operation       varchar(200) not null,
    detail          varchar(16000) not null,
    reason          varchar(1000) not null,
    created_at      timestamp with time zone not null,
    due_at          timestamp with time zone not null,
    status          varchar(16)  not null,
    closed_at       timestamp with time zone,
    closed_by       varchar(200),
    note            varchar(2000)
);
create index manual_task_open on manual_task (target, status, due_at);
