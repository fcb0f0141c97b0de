-- audit: each record carries the hash of the one before it and its own (SHA-256 over its content),
-- so that an edited, inserted or deleted record breaks the chain. Records written before this
-- migration are not chained; the chain starts after them.
alter table audit_record add column prev_hash varchar(64);
alter table audit_record add column hash varchar(64);
create table audit_chain (
    id          integer      primary key,
    last_seq    bigint       not null,
    last_hash   varchar(64)  not null
);
insert into audit_chain (id, last_seq, last_hash)
    select 1, coalesce(max(seq), 0), '0000000000000000000000000000000000000000000000000000000000000000' from audit_record;
create index audit_target on audit_record (target, seq);
create index audit_recorded on audit_record (recorded_at, seq);
