-- Followers counters for stacks and organisations (tools keep theirs in tool_stats), moved in
-- the same transaction as the follow, like every other counter.
ALTER TABLE stacks ADD COLUMN followers BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN followers BIGINT NOT NULL DEFAULT 0;
