-- Snapshots are numbered per stack (v1, v2, ...), in the order they were recorded; existing
-- snapshots are numbered by their ids. A push also records where its scan came from (the git
-- commit, branch and repository URL, when the scanned folder was a checkout) and the scan's
-- languages and monorepo components (JSON arrays; '[]' for snapshots without them).
ALTER TABLE stack_snapshots ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE stack_snapshots SET number =
    (SELECT COUNT(*) FROM stack_snapshots p WHERE p.stack_id = stack_snapshots.stack_id AND p.id <= stack_snapshots.id);
CREATE UNIQUE INDEX stack_snapshots_number ON stack_snapshots (stack_id, number);
ALTER TABLE stack_snapshots ADD COLUMN commit_sha TEXT;
ALTER TABLE stack_snapshots ADD COLUMN branch TEXT;
ALTER TABLE stack_snapshots ADD COLUMN repository_url TEXT;
ALTER TABLE stack_snapshots ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stack_snapshots ADD COLUMN components TEXT NOT NULL DEFAULT '[]';
