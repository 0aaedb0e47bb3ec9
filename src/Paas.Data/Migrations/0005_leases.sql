-- 0005: leases. A background sweep (the directory refresh...) runs on one controller replica at a time: the replica that
-- holds the sweep's lease, renewed before it expires; a replica that dies stops renewing and another takes over.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL -- Unix time in milliseconds
);
