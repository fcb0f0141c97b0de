-- non-human identities' credentials as records of their own, and their operations on targets
-- (rotate, disable, delete) through the outbox: rotation is tracked on the credential, disabling
-- and deleting on the NHI
create table nhi_credential (
    nhi_id              varchar(64)  primary key,
    kind                varchar(32)  not null,
    created_at          timestamp with time zone,
    rotated_at          timestamp with time zone,
    last_used_at        timestamp with time zone,
    rotation_planned_at timestamp with time zone
);
insert into nhi_credential (nhi_id, kind, rotated_at, rotation_planned_at)
    select id, case kind when 'SERVICE_ACCOUNT' then 'password' when 'OAUTH_CLIENT' then 'client-secret'
                         when 'API_KEY' then 'api-key' else 'token' end,
           rotated_at, rotate_requested_at
    from nhi where kind <> 'WORKLOAD';
drop index nhi_rotation;
alter table nhi drop column rotate_requested_at;
alter table nhi drop column rotated_at;
alter table nhi add column disabled_at timestamp with time zone;
alter table nhi add column delete_after timestamp with time zone;
alter table nhi add column deleted_at timestamp with time zone;
create index nhi_delete_due on nhi (delete_after);
