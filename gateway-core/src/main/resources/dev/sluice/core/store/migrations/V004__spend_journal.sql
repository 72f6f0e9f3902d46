-- How far the database has taken each replica's spend journal (the byte offset just past the last
-- record written), moved in the same transaction as the rows it covers: a restart reads on from
-- there, so nothing is written twice and nothing is skipped.
create table sluice_spend_journal (
    journal_id varchar(64) primary key,
    written_to bigint not null
);
