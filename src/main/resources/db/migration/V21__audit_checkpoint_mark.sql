-- audit: how many checkpoints were signed, and up to which record, kept with the chain's head, so
-- that checkpoints deleted from audit_checkpoint are noticed
alter table audit_chain add column checkpoint_seq bigint default 0 not null;
alter table audit_chain add column checkpoint_count bigint default 0 not null;
update audit_chain set checkpoint_seq = coalesce((select max(seq) from audit_checkpoint), 0),
                       checkpoint_count = (select count(*) from audit_checkpoint);
