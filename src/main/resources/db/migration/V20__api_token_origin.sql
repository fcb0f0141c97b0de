-- where a token comes from: 'bootstrap' (ROSTER_BOOTSTRAP_TOKEN) and 'config' (roster.api.tokens)
-- are replaced at each start by what the environment and the configuration say now
alter table api_token add column origin varchar(16);
update api_token set origin = case when name = 'bootstrap' then 'bootstrap' else 'config' end;
