-- The reports (/global/spend/report, /user/daily/activity, the UI's user and team views) read the
-- spend log by user and by team within a time window. Each index costs every insert, so the log
-- carries these two and no more: filters by end user and model run within a window on the time index.
create index sluice_spend_logs_user on sluice_spend_logs (user_id, start_time);
create index sluice_spend_logs_team on sluice_spend_logs (team_id, start_time);
