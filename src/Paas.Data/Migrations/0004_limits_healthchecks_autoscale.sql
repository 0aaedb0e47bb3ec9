-- 0004: process limits and health checks (part of a release, kept with its config as Deis Workflow does: a change makes a
-- new config and release, a rollback restores them), and autoscaling policies (per app and process type, not part of a
-- release, like the formation).

-- limits: JSON object, process type -> {"MemoryBytes": n|null, "CpuMillicores": n|null}; NULL (existing rows) = none.
-- healthchecks: JSON object, process type -> {"Path", "TimeoutSeconds", "IntervalSeconds", "FailureThreshold"}; NULL = none.
ALTER TABLE configs ADD COLUMN limits TEXT NULL;
ALTER TABLE configs ADD COLUMN healthchecks TEXT NULL;

-- min_processes <= max_processes, 1-100; cpu_percent 1-100 (checked by the API).
CREATE TABLE autoscale_policies (
    app_id        TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    process_type  TEXT NOT NULL,
    min_processes INTEGER NOT NULL,
    max_processes INTEGER NOT NULL,
    cpu_percent   INTEGER NOT NULL,
    PRIMARY KEY (app_id, process_type)
);
