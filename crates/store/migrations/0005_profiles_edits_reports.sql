-- Own your content: a profile on each account, edits of decisions and comments marked with
-- their time, and reports of user content for the admins' queue.
ALTER TABLE users ADD COLUMN company TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN edited_at BIGINT;
ALTER TABLE comments ADD COLUMN edited_at BIGINT;
CREATE INDEX decisions_author ON decisions (author_id, created_at);
CREATE INDEX comments_author ON comments (author_id);
CREATE TABLE reports (
    id {pk},
    -- what is reported: 'decision', 'comment' or 'reason', and its id
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    reporter_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- when an admin dealt with it, and how: 'removed' or 'dismissed'
    resolved_at BIGINT,
    resolution TEXT,
    resolver_id BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX reports_open ON reports (resolved_at, id);
CREATE INDEX reports_target ON reports (target_kind, target_id);
