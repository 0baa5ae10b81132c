-- Release cycles of tools, as endoflife.date publishes them (`stackdex import-eol`): for each
-- cycle ("16", "3.11"), when it was released, when its support ends (NULL: no end set), and
-- its latest release. The fleet page marks versions past their end of life.
CREATE TABLE release_cycles (
    tool_id BIGINT NOT NULL REFERENCES tools(id),
    cycle TEXT NOT NULL,
    release_date TEXT,
    eol TEXT,
    latest TEXT,
    PRIMARY KEY (tool_id, cycle)
);
