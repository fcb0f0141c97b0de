-- tokens an admin makes through the API keep their roles and sources with them
alter table api_token add column roles varchar(200);
alter table api_token add column sources varchar(2000);
alter table api_token add column created_by varchar(200);
