//! Facts about the database itself, kept in the `meta` table (for example which demo community
//! it holds).

use sea_orm::{FromQueryResult, raw_sql};

use crate::{Result, Store};

#[derive(FromQueryResult)]
struct MetaValue {
    value: String,
}

impl Store {
    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let row: Option<MetaValue> = self.one(raw_sql!(Postgres, "SELECT value FROM meta WHERE key = {key}")).await?;
        Ok(row.map(|r| r.value))
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.execute(
            &self.write,
            raw_sql!(
                Postgres,
                "INSERT INTO meta (key, value) VALUES ({key}, {value})
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn meta_values_are_set_and_replaced() {
        for db in fresh_stores().await {
            let s = &db.store;
            assert_eq!(s.meta("demo_scale").await.unwrap(), None);
            s.set_meta("demo_scale", "1").await.unwrap();
            s.set_meta("demo_scale", "2").await.unwrap();
            assert_eq!(s.meta("demo_scale").await.unwrap().as_deref(), Some("2"), "{:?}", db.backend);
        }
    }
}
