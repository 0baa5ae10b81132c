-- The feed reads events newest first by when they happened (an imported decision or a stack
-- pushed with its own date may come long after events that happened later), per target.
CREATE INDEX events_target_time ON events (target_kind, target_id, created_at, id);
