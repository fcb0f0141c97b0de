-- API tokens as managed objects: an expiry, the last use, and the previous value during a rotation's overlap
alter table api_token add column expires_at timestamp with time zone;
alter table api_token add column last_used_at timestamp with time zone;
alter table api_token add column previous_hash varchar(64);
alter table api_token add column previous_expires_at timestamp with time zone;
create index api_token_previous on api_token (previous_hash);

-- people who signed in (OpenID Connect), linked to their HR identity by a configured claim
create table principal (
    name            varchar(200) primary key,
    identity_key    varchar(64),
    email           varchar(320),
    idp_roles       varchar(200),
    first_seen_at   timestamp with time zone not null,
    last_seen_at    timestamp with time zone not null
);
create index principal_identity on principal (identity_key);

-- roles an admin gives a principal in Roster (besides those from the IdP's groups or a token's own)
create table role_assignment (
    principal_name  varchar(200) not null,
    role            varchar(32)  not null,
    assigned_by     varchar(200) not null,
    assigned_at     timestamp with time zone not null,
    primary key (principal_name, role)
);

-- a signed-in person is linked to their HR record by employee number, userName or e-mail: the e-mail
-- gets an index as userName has (filled for existing workers by V25)
alter table hr_worker add column email_key varchar(320);
create index hr_worker_email on hr_worker (email_key);
