//! Tech radars of organisations: each version kept, numbered per organisation (1, 2, ...).

use sea_orm::{FromQueryResult, TransactionTrait, raw_sql};

use crate::changes::Tag;
use crate::{Backend, OrganisationId, Result, Store, StoreError, UserId};

/// One version of an organisation's radar.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct RadarVersion {
    pub version: i64,
    /// A JSON array of `{"slug", "name", "ring", "quadrant", "note"}`.
    pub entries: String,
    pub author_id: Option<UserId>,
    pub created_at: i64,
}

#[derive(FromQueryResult)]
struct Latest {
    version: Option<i64>,
}

impl Store {
    /// Records a new version of an organisation's radar; returns its number.
    pub async fn record_radar(&self, org: OrganisationId, entries: &str, author: Option<UserId>) -> Result<i64> {
        let txn = self.write.begin().await?;
        if self.backend == Backend::Postgres {
            // Two pushes at once number their versions one after the other.
            self.execute(&txn, raw_sql!(Postgres, "SELECT id FROM organisations WHERE id = {org} FOR UPDATE")).await?;
        }
        let latest: Option<Latest> = self
            .one_on(&txn, raw_sql!(Postgres, "SELECT MAX(version) AS version FROM radars WHERE org_id = {org}"))
            .await?;
        let version = latest.and_then(|l| l.version).unwrap_or(0) + 1;
        let now = crate::now();
        let inserted = self
            .execute(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO radars (org_id, version, entries, author_id, created_at)
                     VALUES ({org}, {version}, {entries}, {author}, {now})"
                ),
            )
            .await?;
        if inserted != 1 {
            return Err(StoreError::NotFound);
        }
        self.record_change(&txn, &[Tag::Organisation(org)]).await?;
        txn.commit().await?;
        Ok(version)
    }

    /// An organisation's radar versions, newest first.
    pub async fn radar_versions(&self, org: OrganisationId, limit: i64) -> Result<Vec<RadarVersion>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT version, entries, author_id, created_at FROM radars WHERE org_id = {org}
             ORDER BY version DESC LIMIT {limit}"
        ))
        .await
    }
}

#[cfg(test)]
mod tests {
    use crate::accounts::test_users;
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn radar_versions_are_numbered_per_organisation_and_kept() {
        for db in fresh_stores().await {
            let s = &db.store;
            let u = test_users(s, 1).await;
            let acme = s.create_organisation("acme", "Acme", u[0]).await.unwrap();
            let other = s.create_organisation("other", "Other", u[0]).await.unwrap();
            assert_eq!(s.record_radar(acme.id, "[1]", Some(u[0])).await.unwrap(), 1);
            assert_eq!(s.record_radar(other.id, "[]", None).await.unwrap(), 1);
            assert_eq!(s.record_radar(acme.id, "[2]", None).await.unwrap(), 2);
            let kept: Vec<(i64, String)> =
                s.radar_versions(acme.id, 10).await.unwrap().into_iter().map(|v| (v.version, v.entries)).collect();
            assert_eq!(kept, [(2, "[2]".to_owned()), (1, "[1]".to_owned())], "{:?}", db.backend);
            assert!(s.delete_organisation(acme.id).await.unwrap());
            assert!(s.radar_versions(acme.id, 10).await.unwrap().is_empty());
        }
    }
}
