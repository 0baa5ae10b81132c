//! Stackups as the database knows them: views per canonical stackup slug (the comparison itself
//! is computed from tools, not stored).

use sea_orm::{FromQueryResult, raw_sql};

use crate::{Result, Store};

/// A stackup and how often it was viewed.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StackupViews {
    pub slug: String,
    pub views: i64,
}

impl Store {
    /// Counts `count` views of a stackup page (by canonical slug).
    pub async fn add_stackup_views(&self, slug: &str, count: i64) -> Result<()> {
        let now = crate::now();
        self.execute(
            &self.write,
            raw_sql!(
                Postgres,
                "INSERT INTO stackups (slug, views, updated_at) VALUES ({slug}, {count}, {now})
                 ON CONFLICT (slug) DO UPDATE SET views = stackups.views + excluded.views,
                    updated_at = excluded.updated_at"
            ),
        )
        .await?;
        Ok(())
    }

    /// A page of stackups: the most viewed first, or the most recently viewed.
    pub async fn list_stackups(&self, recent: bool, limit: i64, offset: i64) -> Result<Vec<StackupViews>> {
        let statement = if recent {
            raw_sql!(
                Postgres,
                "SELECT slug, views FROM stackups ORDER BY updated_at DESC, slug LIMIT {limit} OFFSET {offset}"
            )
        } else {
            raw_sql!(
                Postgres,
                "SELECT slug, views FROM stackups ORDER BY views DESC, slug LIMIT {limit} OFFSET {offset}"
            )
        };
        self.all(statement).await
    }

    pub async fn count_stackups(&self) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT COUNT(*) AS n FROM stackups")).await
    }

    /// The most viewed stackups.
    pub async fn top_stackups(&self, limit: i64) -> Result<Vec<StackupViews>> {
        self.all(raw_sql!(Postgres, "SELECT slug, views FROM stackups ORDER BY views DESC, slug LIMIT {limit}")).await
    }

    pub async fn stackup_views(&self, slug: &str) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT views AS n FROM stackups WHERE slug = {slug}")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn views_add_up_and_rank_stackups() {
        for db in fresh_stores().await {
            let s = &db.store;
            s.add_stackup_views("django-vs-rust", 3).await.unwrap();
            s.add_stackup_views("django-vs-rust", 2).await.unwrap();
            s.add_stackup_views("go-vs-rust", 9).await.unwrap();
            assert_eq!(s.stackup_views("django-vs-rust").await.unwrap(), 5, "{:?}", db.backend);
            assert_eq!(s.stackup_views("never-seen").await.unwrap(), 0);
            let top = s.top_stackups(1).await.unwrap();
            assert_eq!(top, [StackupViews { slug: "go-vs-rust".into(), views: 9 }]);
            assert_eq!(s.count_stackups().await.unwrap(), 2);
            let popular = s.list_stackups(false, 10, 0).await.unwrap();
            assert_eq!(popular.iter().map(|v| v.slug.as_str()).collect::<Vec<_>>(), ["go-vs-rust", "django-vs-rust"]);
            assert_eq!(s.list_stackups(true, 1, 1).await.unwrap().len(), 1);
        }
    }
}
