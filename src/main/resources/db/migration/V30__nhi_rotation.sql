-- credential rotation of non-human identities: when one is due (a leaver could have seen it), and when it last happened
alter table nhi add column rotate_requested_at timestamp with time zone;
alter table nhi add column rotated_at timestamp with time zone;
create index nhi_rotation on nhi (rotate_requested_at);
