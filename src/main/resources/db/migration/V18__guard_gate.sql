-- plan: a row per source and target that has planned a disable. A plan with disables locks its row
-- until it commits, so that plans from one source arriving at once are counted against the safety
-- guard's limit one after the other (each sees the others' disables), never side by side.
create table guard_gate (
    source varchar(100) not null,
    target varchar(100) not null,
    primary key (source, target)
);
