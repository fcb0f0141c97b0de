-- non-human identities: service accounts, API keys, OAuth clients, workloads, AI agents, each with
-- an accountable owner (an HR identity), a purpose and an expiry; handed over when the owner leaves
create table nhi (
    id              varchar(64)   primary key,
    name            varchar(200)  not null,
    kind            varchar(24)   not null,
    target          varchar(100)  not null,
    owner           varchar(64),
    acting_for      varchar(64),
    purpose         varchar(500)  not null,
    state           varchar(16)   not null,
    origin          varchar(16)   not null,
    created_at      timestamp with time zone not null,
    created_by      varchar(200)  not null,
    expires_at      timestamp with time zone not null,
    previous_owner  varchar(64),
    review_due_at   timestamp with time zone,
    updated_at      timestamp with time zone not null,
    unique (target, name)
);
create index nhi_owner on nhi (owner, state);
create index nhi_acting_for on nhi (acting_for);
create index nhi_expiry on nhi (state, expires_at);
