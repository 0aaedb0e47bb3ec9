-- 0009: failed sign-ins, counted in the database so that every controller replica sees the same counts (a guesser gets
-- no more tries for each replica behind the load balancer). One row per key: "a:LOGIN" (an account) or "ip:ADDRESS" (a
-- client address). Rows older than the counting window and no longer locked are deleted now and then.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_failure BIGINT NOT NULL, -- Unix time in milliseconds
    locked_until BIGINT NOT NULL  -- Unix time in milliseconds; 0 when not locked
);
