-- Responses API answers (POST /v1/responses with store, OpenAI's default), kept for
-- previous_response_id and GET/DELETE /v1/responses/{id}, for the key that made them only
-- (api_key: the caller's subject, a key's hash). conversation holds the chat messages up to and
-- including the answer, which a continuation sends again; rows older than 30 days are deleted,
-- as OpenAI keeps responses for 30 days.
create table sluice_responses (
    response_id varchar(80) primary key,
    api_key varchar(128) not null,
    created_at timestamp with time zone not null,
    response varchar not null,
    conversation varchar not null
);

create index sluice_responses_created on sluice_responses (created_at);
