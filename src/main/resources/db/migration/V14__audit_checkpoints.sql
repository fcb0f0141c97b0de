-- audit: periodic signatures (Ed25519) of the chain's head, so that rewriting the whole table and
-- recomputing every hash is caught too, by anyone holding the public key
create table audit_checkpoint (
    seq         bigint        primary key,
    hash        varchar(64)   not null,
    signed_at   timestamp with time zone not null,
    key_id      varchar(32)   not null,
    public_key  varchar(200)  not null,
    signature   varchar(200)  not null
);
