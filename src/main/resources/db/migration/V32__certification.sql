-- access certification: campaigns and the items reviewers decide
create table certification_campaign (
    id              varchar(64)   primary key,
    name            varchar(200)  not null,
    definition      varchar(100),
    origin          varchar(16)   not null,
    description     varchar(1000),
    scope           varchar(2000) not null,
    reviewers       varchar(1000) not null,
    on_deadline     varchar(16),
    escalate_for_s  bigint        not null,
    started_at      timestamp with time zone not null,
    started_by      varchar(200)  not null,
    due_at          timestamp with time zone not null,
    status          varchar(16)   not null,
    closed_at       timestamp with time zone,
    subject         varchar(64)
);
create index certification_campaign_status on certification_campaign (status, due_at);
create index certification_campaign_definition on certification_campaign (definition, started_at);

create table certification_item (
    id              varchar(64)   primary key,
    campaign_id     varchar(64)   not null,
    identity_key    varchar(64)   not null,
    target          varchar(100)  not null,
    entitlement     varchar(400)  not null,
    privileged      integer       not null,
    source          varchar(32)   not null,
    why             varchar(2000) not null,
    grant_ids       varchar(2000) not null,
    since           timestamp with time zone,
    last_used_at    timestamp with time zone,
    peers           bigint,
    peer_group      varchar(400),
    reviewer        varchar(200)  not null,
    reviewer_why    varchar(1000) not null,
    status          varchar(16)   not null,
    decided_by      varchar(200),
    decided_at      timestamp with time zone,
    reason          varchar(1000),
    automatic       integer       not null,
    due_at          timestamp with time zone not null,
    escalated       integer       not null,
    reminded_at     timestamp with time zone
);
create index certification_item_reviewer on certification_item (campaign_id, reviewer, status, id);
create index certification_item_open on certification_item (reviewer, status);
create index certification_item_due on certification_item (status, due_at);
create index certification_item_identity on certification_item (identity_key, status);
