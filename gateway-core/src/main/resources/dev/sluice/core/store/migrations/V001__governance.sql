-- Keys, teams, users, customers, budgets and spend, in SQL that PostgreSQL and H2 (in
-- PostgreSQL mode) both take. Money is numeric(20,10): exact, as spend must be. Lists and maps
-- (models, metadata, ...) are JSON text. Every query the admin API makes has an index; the spend
-- log, written once per call, carries only the indexes its queries use (each one costs every
-- insert), and gains more with the report queries that need them.

create table sluice_budgets (
    budget_id varchar(64) primary key,
    max_budget numeric(20, 10),
    soft_budget numeric(20, 10),
    max_parallel_requests int,
    tpm_limit bigint,
    rpm_limit bigint,
    budget_duration varchar(16),
    budget_reset_at timestamp with time zone,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);

create table sluice_teams (
    team_id varchar(64) primary key,
    team_alias varchar(256),
    models varchar not null default '[]',
    metadata varchar not null default '{}',
    max_budget numeric(20, 10),
    soft_budget numeric(20, 10),
    spend numeric(20, 10) not null default 0,
    budget_duration varchar(16),
    budget_reset_at timestamp with time zone,
    tpm_limit bigint,
    rpm_limit bigint,
    max_parallel_requests int,
    blocked boolean not null default false,
    budget_id varchar(64) references sluice_budgets (budget_id),
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);

create table sluice_users (
    user_id varchar(128) primary key,
    user_email varchar(320),
    user_role varchar(32) not null,
    models varchar not null default '[]',
    metadata varchar not null default '{}',
    max_budget numeric(20, 10),
    soft_budget numeric(20, 10),
    spend numeric(20, 10) not null default 0,
    budget_duration varchar(16),
    budget_reset_at timestamp with time zone,
    tpm_limit bigint,
    rpm_limit bigint,
    max_parallel_requests int,
    budget_id varchar(64) references sluice_budgets (budget_id),
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);
create index sluice_users_email on sluice_users (user_email);

create table sluice_team_members (
    team_id varchar(64) not null references sluice_teams (team_id) on delete cascade,
    user_id varchar(128) not null references sluice_users (user_id) on delete cascade,
    role varchar(32) not null,
    max_budget_in_team numeric(20, 10),
    spend numeric(20, 10) not null default 0,
    budget_id varchar(64) references sluice_budgets (budget_id),
    primary key (team_id, user_id)
);
create index sluice_team_members_user on sluice_team_members (user_id);

create table sluice_customers (
    end_user_id varchar(256) primary key,
    alias varchar(256),
    blocked boolean not null default false,
    max_budget numeric(20, 10),
    spend numeric(20, 10) not null default 0,
    budget_duration varchar(16),
    budget_reset_at timestamp with time zone,
    tpm_limit bigint,
    rpm_limit bigint,
    max_parallel_requests int,
    default_model varchar(256),
    metadata varchar not null default '{}',
    budget_id varchar(64) references sluice_budgets (budget_id),
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);

-- token: the SHA-256 (hex) of the key; the plain key is never stored.
create table sluice_keys (
    token char(64) primary key,
    key_name varchar(32) not null,
    key_alias varchar(256),
    user_id varchar(128),
    team_id varchar(64),
    models varchar not null default '[]',
    aliases varchar not null default '{}',
    permissions varchar not null default '{}',
    metadata varchar not null default '{}',
    max_budget numeric(20, 10),
    soft_budget numeric(20, 10),
    spend numeric(20, 10) not null default 0,
    budget_duration varchar(16),
    budget_reset_at timestamp with time zone,
    tpm_limit bigint,
    rpm_limit bigint,
    max_parallel_requests int,
    expires timestamp with time zone,
    blocked boolean not null default false,
    budget_id varchar(64) references sluice_budgets (budget_id),
    created_by varchar(128),
    updated_by varchar(128),
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);
create unique index sluice_keys_alias on sluice_keys (key_alias);
create index sluice_keys_user on sluice_keys (user_id, created_at);
create index sluice_keys_team on sluice_keys (team_id, created_at);
create index sluice_keys_created on sluice_keys (created_at);

create table sluice_spend_logs (
    request_id varchar(64) primary key,
    api_key char(64),
    key_alias varchar(256),
    user_id varchar(128),
    team_id varchar(64),
    end_user varchar(256),
    call_type varchar(32) not null,
    model varchar(256),
    model_group varchar(256),
    model_id varchar(128),
    api_base varchar(1024),
    status varchar(16) not null,
    prompt_tokens bigint not null default 0,
    completion_tokens bigint not null default 0,
    cached_tokens bigint not null default 0,
    total_tokens bigint not null default 0,
    spend numeric(20, 10) not null default 0,
    cache_hit boolean not null default false,
    start_time timestamp with time zone not null,
    end_time timestamp with time zone not null
);
create index sluice_spend_logs_time on sluice_spend_logs (start_time);
create index sluice_spend_logs_key on sluice_spend_logs (api_key, start_time);
