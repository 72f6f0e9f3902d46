-- Files uploaded through /v1/files (purpose batch, or any other), for the caller that uploaded
-- them only (api_key: the caller's subject); the content is kept in the database so that every
-- replica serves it. target_model_names: LiteLLM's field naming the model groups a batch file is for.
create table sluice_files (
    file_id varchar(80) primary key,
    api_key varchar(128) not null,
    purpose varchar(64) not null,
    filename varchar(512) not null,
    bytes bigint not null,
    target_model_names varchar(2048),
    created_at timestamp with time zone not null,
    content bytea not null
);

create index sluice_files_key on sluice_files (api_key, created_at);

-- Batches (/v1/batches): the batch object as OpenAI shapes it, for the caller that created it.
create table sluice_batches (
    batch_id varchar(80) primary key,
    api_key varchar(128) not null,
    status varchar(32) not null,
    batch varchar not null,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);

create index sluice_batches_key on sluice_batches (api_key, created_at);
