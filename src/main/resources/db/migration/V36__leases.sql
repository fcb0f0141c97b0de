-- Cluster mode: which instance runs each background loop (roster.cluster.enabled)
create table lease (
    name        varchar(200) primary key,
    holder      varchar(200) not null,
    expires_at  timestamp with time zone not null,
    fence       bigint       not null
);
