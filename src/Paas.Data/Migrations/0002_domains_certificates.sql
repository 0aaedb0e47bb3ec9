-- 0002: custom domains, uploaded TLS certificates, per-app router settings (maintenance mode, HTTPS enforcement).

ALTER TABLE apps ADD COLUMN maintenance {bool} NOT NULL DEFAULT {false};
ALTER TABLE apps ADD COLUMN https_enforced {bool} NOT NULL DEFAULT {false};

-- san: JSON array of the DNS names the certificate covers. key_pem is the private key (PKCS#8 PEM).
CREATE TABLE certificates (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    owner_id        TEXT NOT NULL REFERENCES users (id),
    certificate_pem TEXT NOT NULL,
    key_pem         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    san             TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    expires_at      {timestamp} NOT NULL,
    created_at      {timestamp} NOT NULL
);

-- A domain routes to one app; it may have a certificate attached (else the platform certificate is served).
CREATE TABLE domains (
    id             TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    domain         TEXT NOT NULL UNIQUE,
    certificate_id TEXT NULL REFERENCES certificates (id),
    created_at     {timestamp} NOT NULL
);
CREATE INDEX ix_domains_app_id ON domains (app_id);
