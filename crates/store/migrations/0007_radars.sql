-- Tech radars of organisations (`stackdex radar push`, PUT /api/v1/organisations/{slug}/radar):
-- every version kept, numbered per organisation, its entries as a JSON array of
-- {"slug", "name", "ring", "quadrant", "note"}.
CREATE TABLE radars (
    id {pk},
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    entries TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, version)
);
