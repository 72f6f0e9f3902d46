-- Models added at run time through /model/new (store_model_in_db). litellm_params is one
-- encrypted blob (AES-GCM under LITELLM_SALT_KEY, else the master key), as it carries provider
-- keys; model_info is plain JSON. The table is read whole when the model list changes, never on
-- a call's path.
create table sluice_models (
    model_id varchar(255) primary key,
    model_name varchar(255) not null,
    litellm_params varchar not null,
    model_info varchar not null default '{}',
    created_by varchar(255),
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);


-- Spend per UTC day, key, user, team, end user and model: what the usage view sums. The spend
-- ledger adds each batch's calls in the transaction that writes them, so the view reads a row
-- per key, model and day instead of one per call. Missing ids are '' (key columns cannot be null).
create table sluice_daily_spend (
    spend_day date not null,
    api_key varchar(64) not null,
    user_id varchar(128) not null,
    team_id varchar(64) not null,
    end_user varchar(256) not null,
    model_group varchar(256) not null,
    model varchar(256) not null,
    key_alias varchar(256),
    spend numeric(20, 10) not null default 0,
    prompt_tokens bigint not null default 0,
    completion_tokens bigint not null default 0,
    requests bigint not null default 0,
    failed_requests bigint not null default 0,
    primary key (spend_day, api_key, user_id, team_id, end_user, model_group, model)
);
create index sluice_daily_spend_team on sluice_daily_spend (team_id, spend_day);
create index sluice_daily_spend_user on sluice_daily_spend (user_id, spend_day);
create index sluice_daily_spend_key on sluice_daily_spend (api_key, spend_day);

insert into sluice_daily_spend (spend_day, api_key, user_id, team_id, end_user, model_group, model, key_alias, spend,
        prompt_tokens, completion_tokens, requests, failed_requests)
    select cast(start_time as date), coalesce(trim(api_key), ''), coalesce(user_id, ''), coalesce(team_id, ''),
        coalesce(end_user, ''), coalesce(model_group, ''), coalesce(model, ''), max(key_alias), sum(spend),
        sum(prompt_tokens), sum(completion_tokens), count(*), sum(case when status = 'success' then 0 else 1 end)
    from sluice_spend_logs
    group by cast(start_time as date), coalesce(trim(api_key), ''), coalesce(user_id, ''), coalesce(team_id, ''),
        coalesce(end_user, ''), coalesce(model_group, ''), coalesce(model, '');
