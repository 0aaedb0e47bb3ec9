-- 0006: credentials for pulling an app's images from registries other than the platform's own (paas registry:login).
-- password is stored encrypted ('paas:v1:KEYID:...', SecretKeyRing), as certificates.key_pem is from this version on;
-- rows written before it stay readable and are encrypted when paasd starts (StoredSecrets).
CREATE TABLE app_registry_credentials (
    app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    registry   TEXT NOT NULL, -- host[:port], lower case
    username   TEXT NOT NULL,
    password   TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at {timestamp} NOT NULL,
    PRIMARY KEY (app_id, registry)
);
