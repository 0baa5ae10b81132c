//! Rate-limit buckets kept in the database, so that a limit holds across every app server.
//! (A per-process limiter such as tower_governor would let N servers grant N times the limit.)

use sea_orm::{FromQueryResult, raw_sql};

use crate::{Result, Store};

#[derive(FromQueryResult)]
struct Left {
    #[allow(dead_code)]
    tokens: f64,
}

impl Store {
    /// Takes one token from the bucket `key` (created full): a bucket holds at most `capacity`
    /// tokens and refills at `per_second`. True when a token was taken, false when the bucket
    /// is empty. One statement, so concurrent requests on any number of servers cannot take
    /// the same token twice.
    pub async fn take_rate_token(&self, key: &str, capacity: f64, per_second: f64) -> Result<bool> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let per_ms = per_second / 1000.0;
        let taken: Option<Left> = self
            .one_on(
                &self.write,
                raw_sql!(
                    Postgres,
                    "INSERT INTO rate_buckets (key, tokens, updated_at) VALUES ({key}, {capacity} - 1, {now_ms})
                     ON CONFLICT (key) DO UPDATE
                     SET tokens = (CASE WHEN rate_buckets.tokens + ({now_ms} - rate_buckets.updated_at) * {per_ms} > {capacity}
                                        THEN {capacity}
                                        ELSE rate_buckets.tokens + ({now_ms} - rate_buckets.updated_at) * {per_ms} END) - 1,
                         updated_at = {now_ms}
                     WHERE (CASE WHEN rate_buckets.tokens + ({now_ms} - rate_buckets.updated_at) * {per_ms} > {capacity}
                                 THEN {capacity}
                                 ELSE rate_buckets.tokens + ({now_ms} - rate_buckets.updated_at) * {per_ms} END) >= 1
                     RETURNING tokens"
                ),
            )
            .await?;
        Ok(taken.is_some())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn a_bucket_empties_and_is_per_key() {
        for db in fresh_stores().await {
            let s = &db.store;
            // Three at once, refilled at one per thousand seconds: the fourth is refused.
            for _ in 0..3 {
                assert!(s.take_rate_token("vote:1", 3.0, 0.001).await.unwrap(), "{:?}", db.backend);
            }
            assert!(!s.take_rate_token("vote:1", 3.0, 0.001).await.unwrap());
            assert!(s.take_rate_token("vote:2", 3.0, 0.001).await.unwrap(), "another key has its own bucket");
        }
    }
}
