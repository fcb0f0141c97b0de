-- SCIM DELETE of a worker is a termination that also removes the resource from the SCIM view
-- (404, absent from lists); the HR record and its history stay
alter table hr_worker add column scim_deleted_at timestamp with time zone;
