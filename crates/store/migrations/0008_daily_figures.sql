-- Figures over time (docs/figures-over-time.md). A row is written for a day on which a figure
-- changed; a day without a row has the figures of the latest row before it. `day` is the
-- Unix second at which the UTC day starts.
CREATE TABLE tool_figures (
    tool_id BIGINT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    stacks BIGINT NOT NULL,
    followers BIGINT NOT NULL,
    votes BIGINT NOT NULL,
    PRIMARY KEY (tool_id, day)
);
CREATE TABLE stack_figures (
    stack_id BIGINT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    tools BIGINT NOT NULL,
    PRIMARY KEY (stack_id, day)
);
