-- Roster numbers audit records itself, under the chain head's lock (AuditRepository): the identity the
-- column was made with never handed out a number, and on H2 it stayed behind the records, which the check
-- of identity columns after a kill (H2Leftovers) would take for a sequence a kill set back.
alter table audit_record alter column seq drop identity;
