-- The snapshot import of each HR source under way, one at a time across every instance over the store
-- (RunningImports): two files of one source applied together would interleave, and the one ending last
-- would count as missing, and could terminate, the workers only the other named. Renewed by the importing
-- instance in cluster mode; taken over once its instance stopped (not renewed for a lease time to live,
-- or at once by an instance started again under the same name, or by a single instance at all).
create table hr_snapshot_running (
    source       varchar(100) primary key,
    snapshot_id  varchar(64)  not null,
    holder       varchar(200) not null,
    actor        varchar(200) not null,
    started_at   timestamp with time zone not null,
    alive_at     timestamp with time zone not null
);
