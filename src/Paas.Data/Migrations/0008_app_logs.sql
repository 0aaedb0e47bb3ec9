-- 0008: app logs shared by the controller replicas (PostgreSQL; on SQLite, one process, the logs stay in files and this
-- table stays empty). Lines are numbered in commit order (writers take a transaction-level advisory lock before they
-- insert), so a follower that reads id > the last id it saw neither loses nor repeats a line. Kept to about the last
-- 1500 lines per app plus a margin, trimmed by the writer now and then; deleted with the app.
CREATE TABLE app_logs (
    id      {serial_id},
    app     TEXT NOT NULL,
    time    {timestamp} NOT NULL,
    source  TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX app_logs_app_id ON app_logs (app, id);
