-- 0003: directory (LDAP/AD) users and teams, and apps shared with teams.

-- source: local (password kept here) | directory (LDAP/AD: checked by binding to the directory). directory_dn and synced_at belong
-- to directory users: the entry found at sign-in and when its account and groups were last read.
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
ALTER TABLE users ADD COLUMN display_name TEXT NULL;
ALTER TABLE users ADD COLUMN directory_dn TEXT NULL;
ALTER TABLE users ADD COLUMN synced_at {timestamp} NULL;

-- A team is a platform-defined group of users (source platform, members managed through the API) or a
-- directory group mapped by name (source directory, members read from the directory at sign-in and refresh).
-- name is lower-case and unique across both kinds.
CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    directory_dn TEXT NULL,
    created_at  {timestamp} NOT NULL
);

CREATE TABLE team_members (
    team_id    TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {timestamp} NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX ix_team_members_user_id ON team_members (user_id);

-- role: admin | deploy | view, as app_permissions.
CREATE TABLE app_team_permissions (
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    team_id    TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at {timestamp} NOT NULL,
    PRIMARY KEY (app_id, team_id)
);
CREATE INDEX ix_app_team_permissions_team_id ON app_team_permissions (team_id);
