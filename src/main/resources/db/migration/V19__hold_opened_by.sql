-- who sent the changes that opened a hold: that principal may not approve it
alter table plan_hold add column opened_by varchar(200);
