-- notifications: each one stored before it is sent, sent (and retried) by one loop, audited when sent.
-- event_key makes each notification happen once (a decision assigned to one person, one reminder...).
create table notification (
    id              varchar(64)   primary key,
    event_key       varchar(400)  not null unique,
    event           varchar(32)   not null,
    channel         varchar(8)    not null,
    recipient       varchar(320)  not null,
    subject         varchar(400)  not null,
    body            varchar(8000) not null,
    created_at      timestamp with time zone not null,
    next_attempt_at timestamp with time zone not null,
    attempts        integer       not null,
    status          varchar(8)    not null,
    sent_at         timestamp with time zone,
    last_error      varchar(1000)
);
create index notification_due on notification (status, next_attempt_at);

-- how far the notifier has looked (dead letters by outbox id, SLO breaches by time), so a restart
-- neither misses nor repeats; set to "now" the first time, so an upgrade does not flood the history
create table notification_mark (
    name    varchar(32) primary key,
    mark    bigint      not null
);
