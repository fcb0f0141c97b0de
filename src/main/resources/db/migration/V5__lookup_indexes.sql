-- Lookups by identity alone: the planner reads an identity's accounts on every change, and the API
-- its operations. Both keys start with the target, which those lookups do not know.
create index target_account_identity on target_account (identity_key);
create index outbox_by_identity on outbox (identity_key, id);
