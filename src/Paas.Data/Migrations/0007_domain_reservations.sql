-- 0007: domain reservations. A platform admin reserves a zone (example.com: the name itself and every name under it)
-- for a team; only apps shared with that team may then route a domain in the zone. Domains stored before the overlap
-- and reservation rules are kept, and reported (GET /v2/domain-conflicts, and in paasd's log at start) until an admin
-- resolves them.
CREATE TABLE domain_reservations (
    zone        TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    reserved_by TEXT NOT NULL,
    created_at  {timestamp} NOT NULL
);
