-- 0001: users, tokens, apps, permissions, builds, configs, releases (the ledger), formations.
-- Portable SQL for SQLite and PostgreSQL; {timestamp} and {bool} are replaced per dialect by DatabaseMigrator.
-- Ids are UUID strings made by the application. JSON columns hold text written with System.Text.Json.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT NULL,
    password_hash TEXT NULL,
    is_admin      {bool} NOT NULL,
    is_active     {bool} NOT NULL,
    created_at    {timestamp} NOT NULL
);

-- API tokens are stored only as their SHA-256 (hex); a user may hold several (one per login).
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {timestamp} NOT NULL
);
CREATE INDEX ix_tokens_user_id ON tokens (user_id);

CREATE TABLE apps (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    owner_id   TEXT NOT NULL REFERENCES users (id),
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL
);
CREATE INDEX ix_apps_owner_id ON apps (owner_id);

-- role: admin | deploy | view
CREATE TABLE app_permissions (
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at {timestamp} NOT NULL,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX ix_app_permissions_user_id ON app_permissions (user_id);

-- process_types: JSON object, process type -> command
CREATE TABLE builds (
    id            TEXT PRIMARY KEY,
    app_id        TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    image         TEXT NOT NULL,
    sha           TEXT NULL,
    process_types TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    {timestamp} NOT NULL
);
CREATE INDEX ix_builds_app_id ON builds (app_id, created_at);

-- vars: JSON object, name -> value
CREATE TABLE configs (
    id         TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    vars       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {timestamp} NOT NULL
);
CREATE INDEX ix_configs_app_id ON configs (app_id);

-- The ledger. state: pending | succeeded | failed. (app_id, version) is unique: two writers can never
-- record the same version; versions are assigned under a per-app lock so they are also gapless.
CREATE TABLE releases (
    id             TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    build_id       TEXT NULL REFERENCES builds (id),
    config_id      TEXT NOT NULL REFERENCES configs (id),
    summary        TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    state          TEXT NOT NULL,
    failure_reason TEXT NULL,
    created_at     {timestamp} NOT NULL,
    CONSTRAINT ux_releases_app_version UNIQUE (app_id, version)
);

CREATE TABLE formations (
    app_id       TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    process_type TEXT NOT NULL,
    quantity     INTEGER NOT NULL,
    PRIMARY KEY (app_id, process_type)
);
