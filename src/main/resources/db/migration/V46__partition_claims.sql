-- Cluster mode over Kafka: which instance answers for the revocations of each partition of a target's
-- topics while no broker can be reached (OperationStream). Kept by the instance the brokers gave the
-- partition to; taken over by another once its holder stopped renewing it (it died, or was restarted
-- under another name).
create table partition_claim (
    target        varchar(100) not null,
    partition_no  integer      not null,
    partitions    integer      not null,
    holder        varchar(200) not null,
    expires_at    timestamp with time zone not null,
    primary key (target, partition_no)
);
