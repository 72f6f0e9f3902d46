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

