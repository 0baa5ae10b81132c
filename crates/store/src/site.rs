//! What the sitemap lists from the database: stackups, stacks and decisions, each in a stable
//! order (by key), so that one part of a sitemap split in many is a plain LIMIT/OFFSET.

use sea_orm::{FromQueryResult, raw_sql};

use crate::{DecisionId, Result, Store};

/// A stackup page that has been viewed (the only ones the database knows).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StackupLocation {
    pub slug: String,
}

/// A stack's address and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StackLocation {
    pub owner: String,
    pub slug: String,
    pub updated_at: i64,
}

/// A decision's address and when it was posted.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DecisionLocation {
    pub id: DecisionId,
    pub created_at: i64,
}

impl Store {
    /// Stackups by slug, `limit` from `offset`.
    pub async fn stackup_locations(&self, limit: i64, offset: i64) -> Result<Vec<StackupLocation>> {
        self.all(raw_sql!(Postgres, "SELECT slug FROM stackups ORDER BY slug LIMIT {limit} OFFSET {offset}")).await
    }

    /// Stacks by id, `limit` from `offset`.
    pub async fn stack_locations(&self, limit: i64, offset: i64) -> Result<Vec<StackLocation>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT owner, slug, updated_at FROM stacks ORDER BY id LIMIT {limit} OFFSET {offset}"
        ))
        .await
    }

    /// Decisions by id, `limit` from `offset`.
    pub async fn decision_locations(&self, limit: i64, offset: i64) -> Result<Vec<DecisionLocation>> {
        self.all(raw_sql!(Postgres, "SELECT id, created_at FROM decisions ORDER BY id LIMIT {limit} OFFSET {offset}"))
            .await
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn locations_page_in_a_stable_order() {
        for db in fresh_stores().await {
            let s = &db.store;
            for slug in ["rails-vs-rust", "django-vs-rust", "django-vs-flask"] {
                s.add_stackup_views(slug, 1).await.unwrap();
            }
            let first: Vec<String> = s.stackup_locations(2, 0).await.unwrap().into_iter().map(|l| l.slug).collect();
            let rest: Vec<String> = s.stackup_locations(2, 2).await.unwrap().into_iter().map(|l| l.slug).collect();
            assert_eq!(first, ["django-vs-flask", "django-vs-rust"], "{:?}", db.backend);
            assert_eq!(rest, ["rails-vs-rust"]);
            assert!(s.stack_locations(10, 0).await.unwrap().is_empty());
            assert!(s.decision_locations(10, 0).await.unwrap().is_empty());
        }
    }
}
