//! The change log: every write appends the tags of what it touched (`tool:12`, `decisions`,
//! ...) in its own transaction, so every app server can drop exactly the pages it cached from
//! them, within a poll, even when the write happened on another server.

use std::fmt;
use std::str::FromStr;

use sea_orm::{ConnectionTrait, FromQueryResult, raw_sql};

use crate::sql::IN_CHUNK;
use crate::{DecisionId, OrganisationId, Result, StackId, Store, ToolId, UserId};

/// What a cached page was built from, and what a write touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tag {
    /// A tool's figures, pros and cons, decisions or stacks.
    Tool(ToolId),
    /// A stack's tools, history or followers.
    Stack(StackId),
    /// An organisation's members, stacks or followers.
    Organisation(OrganisationId),
    /// One decision's figures or comments.
    Decision(DecisionId),
    /// Lists of decisions (a new decision, a comment).
    Decisions,
    /// A user's own marks (follows, votes, upvotes) and account (admin role, sessions): what
    /// a server keeps about a signed-in visitor. Any write that changes what
    /// `Store::session` or the `*_among` reads answer for a user must record it.
    User(UserId),
    /// Everything (a bulk import).
    Everything,
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::Tool(id) => write!(f, "tool:{id}"),
            Tag::Stack(id) => write!(f, "stack:{id}"),
            Tag::Organisation(id) => write!(f, "organisation:{id}"),
            Tag::Decision(id) => write!(f, "decision:{id}"),
            Tag::Decisions => f.write_str("decisions"),
            Tag::User(id) => write!(f, "user:{id}"),
            Tag::Everything => f.write_str("*"),
        }
    }
}

impl FromStr for Tag {
    type Err = ();

    /// Reads a stored tag back; one this version does not know is an error the reader skips.
    fn from_str(s: &str) -> std::result::Result<Tag, ()> {
        match s {
            "decisions" => return Ok(Tag::Decisions),
            "*" => return Ok(Tag::Everything),
            _ => {}
        }
        let (kind, id) = s.split_once(':').ok_or(())?;
        let id: i64 = id.parse().map_err(|_| ())?;
        Ok(match kind {
            "tool" => Tag::Tool(ToolId(id)),
            "stack" => Tag::Stack(StackId(id)),
            "organisation" => Tag::Organisation(OrganisationId(id)),
            "decision" => Tag::Decision(DecisionId(id)),
            "user" => Tag::User(UserId(id)),
            _ => return Err(()),
        })
    }
}

/// Tags of a write that touched many things; past a few hundred, one tag that means
/// "everything" (a page cache dropping all is cheaper than matching thousands).
pub(crate) fn tags_or_everything(tags: Vec<Tag>) -> Vec<Tag> {
    if tags.len() > 200 { vec![Tag::Everything] } else { tags }
}

/// The tags of these users, each once.
pub(crate) fn user_tags(users: impl IntoIterator<Item = UserId>) -> Vec<Tag> {
    let mut tags: Vec<Tag> = users.into_iter().map(Tag::User).collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub tags: Vec<Tag>,
}

#[derive(FromQueryResult)]
struct ChangeRow {
    id: i64,
    tags: String,
}

impl From<ChangeRow> for Change {
    fn from(row: ChangeRow) -> Change {
        Change { id: row.id, tags: row.tags.split(' ').filter_map(|t| t.parse().ok()).collect() }
    }
}

impl Store {
    pub(crate) async fn record_change<C: ConnectionTrait>(&self, conn: &C, tags: &[Tag]) -> Result<()> {
        let tags = tags.iter().map(Tag::to_string).collect::<Vec<_>>().join(" ");
        let now = crate::now();
        self.execute(conn, raw_sql!(Postgres, "INSERT INTO changes (tags, created_at) VALUES ({tags}, {now})")).await?;
        Ok(())
    }

    /// Records a change made outside the store's write functions (for example a bulk import).
    pub async fn announce_change(&self, tags: &[Tag]) -> Result<()> {
        self.record_change(&self.write, tags).await
    }

    /// Changes after `after`, oldest first.
    pub async fn changes_since(&self, after: i64) -> Result<Vec<Change>> {
        let rows: Vec<ChangeRow> = self
            .all(raw_sql!(Postgres, "SELECT id, tags FROM changes WHERE id > {after} ORDER BY id LIMIT 10000"))
            .await?;
        Ok(rows.into_iter().map(Change::from).collect())
    }

    /// The changes with these ids that are visible now (ids a reader saw missing).
    pub async fn changes_in(&self, ids: &[i64]) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let rows: Vec<ChangeRow> = self
                .all(raw_sql!(Postgres, "SELECT id, tags FROM changes WHERE id IN ({..chunk}) ORDER BY id"))
                .await?;
            out.extend(rows.into_iter().map(Change::from));
        }
        Ok(out)
    }

    pub async fn latest_change(&self) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT MAX(id) AS n FROM changes")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_stores;

    #[test]
    fn tags_read_back_as_written() {
        for tag in [
            Tag::Tool(ToolId(3)),
            Tag::Stack(StackId(4)),
            Tag::Organisation(OrganisationId(5)),
            Tag::Decision(DecisionId(6)),
            Tag::Decisions,
            Tag::User(UserId(7)),
            Tag::Everything,
        ] {
            assert_eq!(tag.to_string().parse::<Tag>(), Ok(tag));
        }
        assert!("github".parse::<Tag>().is_err(), "tags of older versions are skipped");
    }

    #[tokio::test]
    async fn the_log_is_read_in_order_and_by_id() {
        for db in fresh_stores().await {
            let s = &db.store;
            let start = s.latest_change().await.unwrap();
            s.announce_change(&[Tag::Tool(ToolId(1)), Tag::Decisions]).await.unwrap();
            s.announce_change(&[Tag::Everything]).await.unwrap();
            let changes = s.changes_since(start).await.unwrap();
            assert_eq!(changes.len(), 2, "{:?}", db.backend);
            assert_eq!(changes[0].tags, [Tag::Tool(ToolId(1)), Tag::Decisions]);
            assert_eq!(s.latest_change().await.unwrap(), changes[1].id);
            let again = s.changes_in(&[changes[1].id, 999_999]).await.unwrap();
            assert_eq!(again, vec![changes[1].clone()]);
        }
    }
}
