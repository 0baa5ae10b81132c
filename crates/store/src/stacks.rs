//! Stacks and their history. Every push or edit is a snapshot; `stack_tools` holds the current
//! membership that statistics count, and moves in the snapshot's transaction, with the
//! per-tool stacks counters and the events for the stack's followers.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value, raw_sql};

use crate::changes::{Tag, tags_or_everything};
use crate::follows::{EventKind, NewEvent, Target};
use crate::sql::{Col, IN_CHUNK};
use crate::tools::Counter;
use crate::types::text_enum;
use crate::{OrganisationId, Result, SnapshotId, StackId, Store, StoreError, ToolId, UserId};

text_enum! {
    /// Who owns a stack.
    pub enum OwnerKind {
        User,
        Organisation,
    }
}

text_enum! {
    /// What a stack describes.
    pub enum StackKind {
        Organisation,
        Team,
        Person,
        Repository,
    }
}

text_enum! {
    /// How a snapshot was made.
    pub enum SnapshotSource {
        /// `stackdex push` (a scan report sent to the API).
        Push,
        /// Tools picked by hand in the browser.
        Edit,
        /// `stackdex import` of a StackShare Stack File.
        Import,
        /// The demo community.
        Demo,
    }
}

/// Which stack a snapshot belongs to; created on first push.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct StackRef {
    /// Username or organisation slug.
    pub owner: String,
    pub owner_kind: OwnerKind,
    pub slug: String,
    pub name: String,
    pub kind: StackKind,
}

impl StackRef {
    /// A user's stack of one repository.
    pub fn repository(owner: &str, name: &str) -> StackRef {
        StackRef {
            owner: owner.to_owned(),
            owner_kind: OwnerKind::User,
            slug: name.to_owned(),
            name: name.to_owned(),
            kind: StackKind::Repository,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct SnapshotTool {
    pub tool_id: ToolId,
    /// Versions seen, comma-separated.
    pub versions: String,
    /// Files that showed the tool, comma-separated; empty when added by hand.
    pub sources: String,
}

/// A tool a snapshot held: its number and date, and the tool (none for a snapshot that held
/// no tool).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SnapshotMembership {
    pub number: i64,
    pub created_at: i64,
    pub tool_id: Option<ToolId>,
}

#[derive(Debug, Clone)]
pub struct NewSnapshot {
    pub stack: StackRef,
    pub author_id: Option<UserId>,
    pub source: SnapshotSource,
    pub tools: Vec<SnapshotTool>,
    /// Where the scan came from, and its languages and components (empty when made by hand).
    pub details: SnapshotDetails,
    pub created_at: i64,
}

/// What a scan tells about a snapshot besides its tools.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SnapshotDetails {
    pub origin: Origin,
    /// Languages by share of code bytes, as the scan gave them.
    pub languages: Vec<SnapshotLanguage>,
    /// The folders of a monorepo with a manifest of their own, and their tools.
    pub components: Vec<SnapshotComponent>,
}

/// The git checkout a pushed scan was made in, when it was one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Origin {
    /// The commit's full hash.
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    /// The repository's remote URL, without credentials.
    pub repository_url: Option<String>,
}

/// A language of a scan and its share of the code bytes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotLanguage {
    /// Catalog slug.
    pub slug: String,
    pub name: String,
    pub bytes: u64,
    /// 0 to 1; 0 for data and prose formats.
    pub share: f64,
}

/// A component of a monorepo: a folder with a manifest of its own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotComponent {
    /// Relative to the repository, `.` for its root.
    pub path: String,
    pub name: String,
    /// Catalog slugs of the tools found in its own files.
    pub tools: Vec<String>,
}

/// What a push became: a new snapshot, or the latest one when nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: SnapshotId,
    /// Its number in its stack's history, from 1.
    pub number: i64,
    /// Whether it is the stack's latest snapshot, kept because the push changed nothing.
    pub unchanged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct StackSummary {
    pub id: StackId,
    #[sea_orm(nested)]
    pub stack: StackRef,
    pub updated_at: i64,
}

#[derive(FromQueryResult)]
struct DescriptionRow {
    description: String,
}

/// A stack's address and name.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StackName {
    pub id: StackId,
    pub owner: String,
    pub slug: String,
    pub name: String,
}

/// One entry of a stack's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct SnapshotSummary {
    pub id: SnapshotId,
    /// Its number in its stack's history, from 1.
    pub number: i64,
    pub source: SnapshotSource,
    pub created_at: i64,
    /// How many tools it holds.
    pub tools: i64,
    #[sea_orm(nested)]
    pub origin: Origin,
}

/// The languages and components of a snapshot, as stored (JSON arrays).
#[derive(FromQueryResult)]
struct DetailsRow {
    id: SnapshotId,
    number: i64,
    languages: String,
    components: String,
}

#[derive(FromQueryResult)]
struct StackRow {
    id: StackId,
    owner: String,
    slug: String,
}

#[derive(FromQueryResult)]
struct SnapshotRow {
    id: SnapshotId,
    stack_id: StackId,
    number: i64,
}

#[derive(FromQueryResult)]
struct LastNumber {
    stack_id: StackId,
    number: Option<i64>,
}

#[derive(FromQueryResult)]
struct Membership {
    stack_id: StackId,
    tool_id: ToolId,
}

#[derive(FromQueryResult)]
struct Inserted {
    tool_id: ToolId,
}

#[derive(FromQueryResult)]
struct HeldVersions {
    stack_id: StackId,
    tool_id: ToolId,
    versions: String,
}

#[derive(FromQueryResult)]
struct OrgRow {
    slug: String,
    id: OrganisationId,
}

/// The order of a list of stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackOrder {
    /// Most recently updated first.
    Recent,
    /// By owner, then name.
    Name,
}

/// Which stacks a list holds: all, or those of one kind, or those using one tool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StackFilter {
    pub kind: Option<StackKind>,
    pub tool: Option<ToolId>,
}

/// Tools a snapshot added to its stack and took away.
type Moves = HashMap<StackId, (Vec<ToolId>, Vec<ToolId>)>;
/// Per stack, the tools whose versions a snapshot changes: `(tool, before, after)`.
type VersionMoves = HashMap<StackId, Vec<(ToolId, String, String)>>;

impl Store {
    /// Records one snapshot per entry (each stack at most once per call) and moves the current
    /// membership and the per-tool stack counters with it, in one transaction per thousand.
    /// Returns the snapshot ids in input order. A single push is a batch of one.
    pub async fn push_snapshots(&self, snapshots: &[NewSnapshot]) -> Result<Vec<SnapshotId>> {
        let mut distinct = HashSet::new();
        if !snapshots.iter().all(|s| distinct.insert((&s.stack.owner, &s.stack.slug))) {
            return Err(StoreError::Conflict("a stack appears twice in one batch of snapshots".into()));
        }
        // Stacks are upserted (and so locked) in one global order to rule out deadlocks.
        let mut order: Vec<usize> = (0..snapshots.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&snapshots[a].stack, &snapshots[b].stack);
            (&a.owner, &a.slug).cmp(&(&b.owner, &b.slug))
        });
        let sorted: Vec<NewSnapshot> = order.iter().map(|&i| snapshots[i].clone()).collect();
        let mut ids = vec![SnapshotId::default(); snapshots.len()];
        let mut done = 0;
        for chunk in sorted.chunks(1000) {
            let txn = self.write.begin().await?;
            let recorded = self.push_chunk(&txn, chunk).await?;
            txn.commit().await?;
            for (k, r) in recorded.into_iter().enumerate() {
                ids[order[done + k]] = r.id;
            }
            done += chunk.len();
        }
        Ok(ids)
    }

    /// Records a stack's past: `snapshots` (all of one stack, oldest first, each dated by its
    /// `created_at`) numbered v1, v2, … in one transaction. Refused with
    /// [`StoreError::Conflict`] when the stack has snapshots already: their numbers are public
    /// addresses that older snapshots would shift. The snapshots tell followers nothing (the
    /// past is no news); the push of the current state that follows does.
    pub async fn push_history(&self, snapshots: &[NewSnapshot]) -> Result<Vec<Recorded>> {
        let Some(first) = snapshots.first() else { return Ok(Vec::new()) };
        let (owner, slug) = (&first.stack.owner, &first.stack.slug);
        if snapshots.iter().any(|s| (&s.stack.owner, &s.stack.slug) != (owner, slug)) {
            return Err(StoreError::Conflict("a history is of one stack".into()));
        }
        let txn = self.write.begin().await?;
        if self.backend == crate::Backend::Postgres {
            // Concurrent pushes to the stack wait for this one (SQLite has a single writer).
            self.execute(
                &txn,
                raw_sql!(Postgres, "SELECT id FROM stacks WHERE owner = {owner} AND slug = {slug} FOR UPDATE"),
            )
            .await?;
        }
        let count = raw_sql!(
            Postgres,
            "SELECT COUNT(*) AS count FROM stack_snapshots s JOIN stacks t ON t.id = s.stack_id
             WHERE t.owner = {owner} AND t.slug = {slug}"
        );
        #[derive(FromQueryResult)]
        struct Held {
            count: i64,
        }
        let held: Option<Held> = self.one_on(&txn, count).await?;
        if held.is_some_and(|h| h.count > 0) {
            return Err(StoreError::Conflict(format!("{owner}/{slug} has snapshots already")));
        }
        let mut recorded = Vec::with_capacity(snapshots.len());
        for snapshot in snapshots {
            recorded.extend(self.push_chunk_announcing(&txn, std::slice::from_ref(snapshot), false).await?);
        }
        txn.commit().await?;
        Ok(recorded)
    }

    /// Records a snapshot unless it holds what the stack's latest snapshot holds (the same
    /// tools at the same versions, the same languages and components; when and from which
    /// commit it was scanned do not count): then nothing is written and the latest is
    /// answered, `unchanged`. So a CI job pushing every commit adds to the history only what
    /// changed the stack.
    pub async fn push_snapshot_if_changed(&self, snapshot: &NewSnapshot) -> Result<Recorded> {
        let txn = self.write.begin().await?;
        let (owner, slug) = (&snapshot.stack.owner, &snapshot.stack.slug);
        // Concurrent pushes to one stack compare and write one after the other (SQLite has a
        // single writer already).
        let locked = match self.backend {
            crate::Backend::Postgres => {
                raw_sql!(Postgres, "SELECT id FROM stacks WHERE owner = {owner} AND slug = {slug} FOR UPDATE")
            }
            crate::Backend::Sqlite => {
                raw_sql!(Postgres, "SELECT id FROM stacks WHERE owner = {owner} AND slug = {slug}")
            }
        };
        #[derive(FromQueryResult)]
        struct Found {
            id: StackId,
        }
        let found: Option<Found> = self.one_on(&txn, locked).await?;
        if let Some(stack) = found
            && let Some(latest) = self.latest_details_on(&txn, stack.id).await?
        {
            let latest_id = latest.id;
            let tools: Vec<SnapshotTool> = self
                .all_on(
                    &txn,
                    raw_sql!(
                        Postgres,
                        "SELECT tool_id, versions, sources FROM snapshot_tools WHERE snapshot_id = {latest_id}"
                    ),
                )
                .await?;
            let held: HashSet<(ToolId, &str)> = tools.iter().map(|t| (t.tool_id, t.versions.as_str())).collect();
            let mut seen = HashSet::new();
            let wanted: HashSet<(ToolId, &str)> = snapshot
                .tools
                .iter()
                .filter(|t| seen.insert(t.tool_id))
                .map(|t| (t.tool_id, t.versions.as_str()))
                .collect();
            if held == wanted
                && latest.languages == json_text(&snapshot.details.languages)
                && latest.components == json_text(&snapshot.details.components)
            {
                txn.commit().await?;
                return Ok(Recorded { id: latest.id, number: latest.number, unchanged: true });
            }
        }
        let recorded = self.push_chunk(&txn, std::slice::from_ref(snapshot)).await?[0];
        txn.commit().await?;
        Ok(recorded)
    }

    /// The newest snapshot of a stack: its languages and components as stored.
    async fn latest_details_on<C: ConnectionTrait>(&self, conn: &C, stack: StackId) -> Result<Option<DetailsRow>> {
        self.one_on(
            conn,
            raw_sql!(
                Postgres,
                "SELECT id, number, languages, components FROM stack_snapshots
                 WHERE stack_id = {stack} ORDER BY id DESC LIMIT 1"
            ),
        )
        .await
    }

    /// The languages and components of a stack's latest snapshot (empty when it has none).
    pub async fn latest_details(&self, stack: StackId) -> Result<(Vec<SnapshotLanguage>, Vec<SnapshotComponent>)> {
        let Some(row) = self.latest_details_on(&self.read, stack).await? else { return Ok(Default::default()) };
        // Written by `json_text` only; an unreadable value (never expected) shows as none.
        let languages = serde_json::from_str(&row.languages).unwrap_or_default();
        let components = serde_json::from_str(&row.components).unwrap_or_default();
        Ok((languages, components))
    }

    async fn push_chunk<C: ConnectionTrait>(&self, txn: &C, snapshots: &[NewSnapshot]) -> Result<Vec<Recorded>> {
        self.push_chunk_announcing(txn, snapshots, true).await
    }

    /// [`Store::push_chunk`], telling followers what moved only when `announce`.
    async fn push_chunk_announcing<C: ConnectionTrait>(
        &self,
        txn: &C,
        snapshots: &[NewSnapshot],
        announce: bool,
    ) -> Result<Vec<Recorded>> {
        // 1. The stacks (created on first push); the upsert also locks each stack row until
        //    commit, so concurrent pushes to one stack apply one after the other.
        let rows: Vec<Vec<Value>> = snapshots
            .iter()
            .map(|s| {
                let r = &s.stack;
                vec![
                    r.owner.clone().into(),
                    r.owner_kind.into(),
                    r.slug.clone().into(),
                    r.name.clone().into(),
                    r.kind.into(),
                    s.created_at.into(),
                    s.created_at.into(),
                ]
            })
            .collect();
        let stacks: Vec<StackRow> = self
            .insert_values(
                txn,
                "INSERT INTO stacks (owner, owner_kind, slug, name, kind, created_at, updated_at)",
                &rows,
                "ON CONFLICT (owner, slug) DO UPDATE SET updated_at = excluded.updated_at RETURNING id, owner, slug",
            )
            .await?;
        let stack_ids: HashMap<(String, String), StackId> =
            stacks.into_iter().map(|r| ((r.owner, r.slug), r.id)).collect();
        let ids: Vec<StackId> =
            snapshots.iter().map(|s| stack_ids[&(s.stack.owner.clone(), s.stack.slug.clone())]).collect();

        // The versions each announced stack held until now (its latest snapshot), to tell its
        // followers what moved.
        let announced: Vec<StackId> =
            snapshots.iter().zip(&ids).filter(|(s, _)| s.source != SnapshotSource::Demo).map(|(_, id)| *id).collect();
        let mut held: HashMap<StackId, HashMap<ToolId, String>> = HashMap::new();
        for chunk in announced.chunks(IN_CHUNK) {
            let found: Vec<HeldVersions> = self
                .all_on(
                    txn,
                    raw_sql!(
                        Postgres,
                        "SELECT s.stack_id, t.tool_id, t.versions FROM stack_snapshots s
                         JOIN snapshot_tools t ON t.snapshot_id = s.id
                         WHERE s.id IN (SELECT MAX(id) FROM stack_snapshots WHERE stack_id IN ({..chunk}) GROUP BY stack_id)
                           AND t.versions <> ''"
                    ),
                )
                .await?;
            for row in found {
                held.entry(row.stack_id).or_default().insert(row.tool_id, row.versions);
            }
        }
        let mut versions_moved: VersionMoves = HashMap::new();
        for (s, id) in snapshots.iter().zip(&ids) {
            let Some(before) = held.get(id) else { continue };
            for t in &s.tools {
                if let Some(old) = before.get(&t.tool_id)
                    && !t.versions.is_empty()
                    && *old != t.versions
                {
                    versions_moved.entry(*id).or_default().push((t.tool_id, old.clone(), t.versions.clone()));
                }
            }
        }

        // 2. The snapshots (numbered after each stack's last) and what they hold.
        let mut last_number: HashMap<StackId, i64> = HashMap::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<LastNumber> = self
                .all_on(
                    txn,
                    raw_sql!(
                        Postgres,
                        "SELECT stack_id, MAX(number) AS number FROM stack_snapshots
                         WHERE stack_id IN ({..chunk}) GROUP BY stack_id"
                    ),
                )
                .await?;
            last_number.extend(found.into_iter().map(|r| (r.stack_id, r.number.unwrap_or(0))));
        }
        let rows: Vec<Vec<Value>> = snapshots
            .iter()
            .zip(&ids)
            .map(|(s, id)| {
                let origin = &s.details.origin;
                vec![
                    (*id).into(),
                    (last_number.get(id).copied().unwrap_or(0) + 1).into(),
                    s.author_id.into(),
                    s.source.into(),
                    s.created_at.into(),
                    origin.commit_sha.clone().into(),
                    origin.branch.clone().into(),
                    origin.repository_url.clone().into(),
                    json_text(&s.details.languages).into(),
                    json_text(&s.details.components).into(),
                ]
            })
            .collect();
        let created: Vec<SnapshotRow> = self
            .insert_values(
                txn,
                "INSERT INTO stack_snapshots (stack_id, number, author_id, source, created_at, commit_sha, branch, repository_url, languages, components)",
                &rows,
                "RETURNING id, stack_id, number",
            )
            .await?;
        let numbers: HashMap<StackId, i64> = created.iter().map(|r| (r.stack_id, r.number)).collect();
        let snapshot_of: HashMap<StackId, SnapshotId> = created.into_iter().map(|r| (r.stack_id, r.id)).collect();
        let mut seen = HashSet::new();
        let rows: Vec<Vec<Value>> = snapshots
            .iter()
            .zip(&ids)
            .flat_map(|(s, id)| {
                let snapshot = snapshot_of[id];
                s.tools.iter().map(move |t| (snapshot, t))
            })
            .filter(|(snapshot, t)| seen.insert((*snapshot, t.tool_id)))
            .map(|(snapshot, t)| {
                vec![snapshot.into(), t.tool_id.into(), t.versions.clone().into(), t.sources.clone().into()]
            })
            .collect();
        self.bulk_insert::<Inserted, _>(
            txn,
            "INSERT INTO snapshot_tools (snapshot_id, tool_id, versions, sources)",
            &[Col::Int, Col::Int, Col::Text, Col::Text],
            &rows,
            "",
        )
        .await?;

        // 3. Current membership: diff against what each stack holds now.
        let mut current: HashMap<StackId, HashSet<ToolId>> = ids.iter().map(|id| (*id, HashSet::new())).collect();
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<Membership> = self
                .all_on(
                    txn,
                    raw_sql!(Postgres, "SELECT stack_id, tool_id FROM stack_tools WHERE stack_id IN ({..chunk})"),
                )
                .await?;
            for m in found {
                current.entry(m.stack_id).or_default().insert(m.tool_id);
            }
        }
        let mut added: Vec<(StackId, ToolId)> = Vec::new();
        let mut removed: Vec<(StackId, ToolId)> = Vec::new();
        for (s, id) in snapshots.iter().zip(&ids) {
            let want: HashSet<ToolId> = s.tools.iter().map(|t| t.tool_id).collect();
            let have = &current[id];
            added.extend(want.difference(have).map(|t| (*id, *t)));
            removed.extend(have.difference(&want).map(|t| (*id, *t)));
        }
        let mut moves: Moves = HashMap::new();
        for (stack, tool) in &added {
            moves.entry(*stack).or_default().0.push(*tool);
        }
        for (stack, tool) in &removed {
            moves.entry(*stack).or_default().1.push(*tool);
        }
        // A tool whose versions moved in a stack shows other figures (its version spread).
        let moved_tools: Vec<ToolId> = versions_moved.values().flatten().map(|(tool, _, _)| *tool).collect();
        if announce {
            let events = self.snapshot_events(txn, snapshots, &ids, &snapshot_of, moves, versions_moved).await?;
            self.record_events(txn, &events).await?;
        }
        // Counters follow the rows actually inserted and deleted, so a race cannot double-count.
        let mut deltas: HashMap<ToolId, i64> = HashMap::new();
        let rows: Vec<Vec<Value>> = added.iter().map(|(s, t)| vec![(*s).into(), (*t).into()]).collect();
        let inserted: Vec<Inserted> = self
            .bulk_insert(
                txn,
                "INSERT INTO stack_tools (stack_id, tool_id)",
                &[Col::Int, Col::Int],
                &rows,
                "ON CONFLICT (stack_id, tool_id) DO NOTHING RETURNING tool_id",
            )
            .await?;
        for row in inserted {
            *deltas.entry(row.tool_id).or_default() += 1;
        }
        for (stack, tool) in removed {
            let gone = self
                .execute(
                    txn,
                    raw_sql!(Postgres, "DELETE FROM stack_tools WHERE stack_id = {stack} AND tool_id = {tool}"),
                )
                .await?;
            *deltas.entry(tool).or_default() -= gone as i64;
        }
        self.bump_tool_counter(txn, Counter::Stacks, &deltas).await?;
        let mut tags: Vec<Tag> = deltas.keys().chain(&moved_tools).map(|t| Tag::Tool(*t)).collect();
        tags.extend(ids.iter().map(|id| Tag::Stack(*id)));
        self.record_change(txn, &tags_or_everything(tags)).await?;
        Ok(ids.iter().map(|id| Recorded { id: snapshot_of[id], number: numbers[id], unchanged: false }).collect())
    }

    /// The events of a batch of snapshots: one for the followers of each stack whose tools or
    /// their versions changed (a snapshot with the same as before tells nobody anything), and one for
    /// the followers of its organisation when an organisation owns it. The demo's generated
    /// stacks (45,000 of them in one batch) announce nothing: their events would cost the demo
    /// build a tenth of its time for a feed nobody reads.
    async fn snapshot_events<C: ConnectionTrait>(
        &self,
        conn: &C,
        snapshots: &[NewSnapshot],
        stack_ids: &[StackId],
        snapshot_of: &HashMap<StackId, SnapshotId>,
        mut moves: Moves,
        mut versions_moved: VersionMoves,
    ) -> Result<Vec<NewEvent>> {
        for (snapshot, stack) in snapshots.iter().zip(stack_ids) {
            if snapshot.source == SnapshotSource::Demo {
                moves.remove(stack);
            }
        }
        let announced = |id: &StackId| moves.contains_key(id) || versions_moved.contains_key(id);
        let mut org_slugs: Vec<&str> = snapshots
            .iter()
            .zip(stack_ids)
            .filter(|(s, id)| s.stack.owner_kind == OwnerKind::Organisation && announced(id))
            .map(|(s, _)| s.stack.owner.as_str())
            .collect();
        org_slugs.sort_unstable();
        org_slugs.dedup();
        let mut org_ids: HashMap<String, OrganisationId> = HashMap::new();
        for chunk in org_slugs.chunks(IN_CHUNK) {
            let found: Vec<OrgRow> = self
                .all_on(conn, raw_sql!(Postgres, "SELECT slug, id FROM organisations WHERE slug IN ({..chunk})"))
                .await?;
            org_ids.extend(found.into_iter().map(|o| (o.slug, o.id)));
        }
        let mut events = Vec::new();
        for (snapshot, stack) in snapshots.iter().zip(stack_ids) {
            let (mut added, mut removed) = moves.remove(stack).unwrap_or_default();
            let mut changed = versions_moved.remove(stack).unwrap_or_default();
            if added.is_empty() && removed.is_empty() && changed.is_empty() {
                continue;
            }
            added.sort_unstable();
            removed.sort_unstable();
            changed.sort_unstable();
            let changed_detail: Vec<serde_json::Value> = changed
                .iter()
                .take(20)
                .map(|(tool, from, to)| serde_json::json!({"tool": tool, "from": from, "to": to}))
                .collect();
            let detail = serde_json::json!({
                "stack": stack,
                "added_count": added.len(),
                "removed_count": removed.len(),
                "changed_count": changed.len(),
                "added": added.iter().take(20).collect::<Vec<_>>(),
                "removed": removed.iter().take(20).collect::<Vec<_>>(),
                "changed": changed_detail,
            });
            let mut targets = vec![Target::stack(*stack)];
            if snapshot.stack.owner_kind == OwnerKind::Organisation {
                targets.extend(org_ids.get(&snapshot.stack.owner).map(|id| Target::organisation(*id)));
            }
            for target in targets {
                events.push(NewEvent {
                    kind: EventKind::Stack,
                    actor: snapshot.author_id,
                    target,
                    subject: snapshot_of[stack].get(),
                    detail: detail.clone(),
                    created_at: snapshot.created_at,
                });
            }
        }
        Ok(events)
    }

    /// A stack's description ("" when it has none); None when there is no such stack.
    pub async fn stack_description(&self, stack: StackId) -> Result<Option<String>> {
        let row: Option<DescriptionRow> =
            self.one(raw_sql!(Postgres, "SELECT description FROM stacks WHERE id = {stack}")).await?;
        Ok(row.map(|r| r.description))
    }

    /// Replaces a stack's description; false when there is no such stack.
    pub async fn set_stack_description(&self, stack: StackId, description: &str) -> Result<bool> {
        let txn = self.write.begin().await?;
        let changed = self
            .execute(&txn, raw_sql!(Postgres, "UPDATE stacks SET description = {description} WHERE id = {stack}"))
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        self.record_change(&txn, &[Tag::Stack(stack)]).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Deletes a stack with its history, its follows and the feed's events about it, and takes
    /// it off its tools' counts; false when there is no such stack.
    pub async fn delete_stack(&self, stack: StackId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let Some(tags) = self.delete_stack_on(&txn, stack).await? else { return Ok(false) };
        self.record_change(&txn, &tags_or_everything(tags)).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Deletes a stack in the caller's transaction; answers the tags of what it changed, or
    /// None when there is no such stack.
    pub(crate) async fn delete_stack_on<C: ConnectionTrait>(
        &self,
        conn: &C,
        stack: StackId,
    ) -> Result<Option<Vec<Tag>>> {
        #[derive(FromQueryResult)]
        struct ToolRef {
            tool_id: ToolId,
        }
        #[derive(FromQueryResult)]
        struct Follower {
            user_id: UserId,
        }
        let tools: Vec<ToolRef> =
            self.all_on(conn, raw_sql!(Postgres, "SELECT tool_id FROM stack_tools WHERE stack_id = {stack}")).await?;
        let followers: Vec<Follower> = self
            .all_on(
                conn,
                raw_sql!(Postgres, "SELECT user_id FROM follows WHERE target_kind = 'stack' AND target_id = {stack}"),
            )
            .await?;
        let target = stack.get();
        // Events for the stack's own followers, and those told to its organisation's (their
        // payload names the stack: `"stack":ID` before `"subject"`).
        let in_payload = format!("%\"stack\":{target},%");
        for statement in [
            raw_sql!(Postgres, "DELETE FROM events WHERE target_kind = 'stack' AND target_id = {target}"),
            raw_sql!(Postgres, "DELETE FROM events WHERE kind = 'stack' AND payload LIKE {in_payload}"),
            raw_sql!(Postgres, "DELETE FROM follows WHERE target_kind = 'stack' AND target_id = {target}"),
            raw_sql!(
                Postgres,
                "DELETE FROM snapshot_tools WHERE snapshot_id IN (SELECT id FROM stack_snapshots WHERE stack_id = {stack})"
            ),
            raw_sql!(Postgres, "DELETE FROM stack_snapshots WHERE stack_id = {stack}"),
            raw_sql!(Postgres, "DELETE FROM stack_tools WHERE stack_id = {stack}"),
        ] {
            self.execute(conn, statement).await?;
        }
        if self.execute(conn, raw_sql!(Postgres, "DELETE FROM stacks WHERE id = {stack}")).await? == 0 {
            return Ok(None);
        }
        let deltas: HashMap<ToolId, i64> = tools.iter().map(|t| (t.tool_id, -1)).collect();
        self.bump_tool_counter(conn, Counter::Stacks, &deltas).await?;
        let mut tags: Vec<Tag> = tools.iter().map(|t| Tag::Tool(t.tool_id)).collect();
        tags.push(Tag::Stack(stack));
        tags.extend(crate::changes::user_tags(followers.into_iter().map(|f| f.user_id)));
        Ok(Some(tags))
    }

    /// Stacks that use a tool now, most recently updated first.
    pub async fn stacks_using(&self, tool: ToolId, limit: i64) -> Result<Vec<StackSummary>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT s.id, s.owner, s.owner_kind, s.slug, s.name, s.kind, s.updated_at FROM stack_tools st
             JOIN stacks s ON s.id = st.stack_id WHERE st.tool_id = {tool}
             ORDER BY s.updated_at DESC, s.id DESC LIMIT {limit}"
        ))
        .await
    }

    /// A page of stacks.
    pub async fn list_stacks(
        &self,
        filter: StackFilter,
        order: StackOrder,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StackSummary>> {
        let (kind, tool) = (filter.kind, filter.tool);
        let statement = match order {
            StackOrder::Recent => raw_sql!(
                Postgres,
                "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks s
                 WHERE ({kind} IS NULL OR kind = {kind})
                   AND ({tool} IS NULL OR id IN (SELECT stack_id FROM stack_tools WHERE tool_id = {tool}))
                 ORDER BY updated_at DESC, id DESC LIMIT {limit} OFFSET {offset}"
            ),
            StackOrder::Name => raw_sql!(
                Postgres,
                "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks s
                 WHERE ({kind} IS NULL OR kind = {kind})
                   AND ({tool} IS NULL OR id IN (SELECT stack_id FROM stack_tools WHERE tool_id = {tool}))
                 ORDER BY owner, slug LIMIT {limit} OFFSET {offset}"
            ),
        };
        self.all(statement).await
    }

    /// How many stacks a list holds.
    pub async fn count_stacks(&self, filter: StackFilter) -> Result<i64> {
        let (kind, tool) = (filter.kind, filter.tool);
        self.number(raw_sql!(
            Postgres,
            "SELECT COUNT(*) AS n FROM stacks
             WHERE ({kind} IS NULL OR kind = {kind})
               AND ({tool} IS NULL OR id IN (SELECT stack_id FROM stack_tools WHERE tool_id = {tool}))"
        ))
        .await
    }

    /// Stacks whose owner or name contains `text` (any case), most recently updated first.
    pub async fn search_stacks(&self, text: &str, limit: i64) -> Result<Vec<StackSummary>> {
        let pattern = crate::sql::contains_pattern(text);
        self.all(raw_sql!(
            Postgres,
            "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks
             WHERE LOWER(name) LIKE {pattern} ESCAPE '!' OR LOWER(owner) LIKE {pattern} ESCAPE '!'
             ORDER BY updated_at DESC, id DESC LIMIT {limit}"
        ))
        .await
    }

    /// The stacks of an owner (user or organisation), by name.
    pub async fn stacks_of(&self, owner: &str) -> Result<Vec<StackSummary>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks WHERE owner = {owner} ORDER BY slug"
        ))
        .await
    }

    pub async fn stack(&self, owner: &str, slug: &str) -> Result<Option<StackSummary>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks
             WHERE owner = {owner} AND slug = {slug}"
        ))
        .await
    }

    /// Stacks by id.
    pub async fn stack_names(&self, ids: &[StackId]) -> Result<HashMap<StackId, StackName>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<StackName> = self
                .all(raw_sql!(Postgres, "SELECT id, owner, slug, name FROM stacks WHERE id IN ({..chunk})"))
                .await?;
            out.extend(found.into_iter().map(|s| (s.id, s)));
        }
        Ok(out)
    }

    /// The tools of a stack's latest snapshot.
    pub async fn stack_tools(&self, stack: StackId) -> Result<Vec<SnapshotTool>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT tool_id, versions, sources FROM snapshot_tools WHERE snapshot_id =
               (SELECT MAX(id) FROM stack_snapshots WHERE stack_id = {stack}) ORDER BY tool_id"
        ))
        .await
    }

    /// The tools of one snapshot of a stack (none when the snapshot is not the stack's).
    pub async fn snapshot_tools(&self, stack: StackId, snapshot: SnapshotId) -> Result<Vec<SnapshotTool>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT t.tool_id, t.versions, t.sources FROM snapshot_tools t
             JOIN stack_snapshots s ON s.id = t.snapshot_id
             WHERE s.stack_id = {stack} AND s.id = {snapshot} ORDER BY t.tool_id"
        ))
        .await
    }

    /// Which tools each of a stack's snapshots held, oldest snapshot first (a row per snapshot
    /// and tool, and one with no tool for a snapshot that held none), for its timeline.
    pub async fn snapshot_memberships(&self, stack: StackId) -> Result<Vec<SnapshotMembership>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT s.number, s.created_at, t.tool_id FROM stack_snapshots s
             LEFT JOIN snapshot_tools t ON t.snapshot_id = s.id
             WHERE s.stack_id = {stack} ORDER BY s.number, t.tool_id"
        ))
        .await
    }

    /// A stack's snapshots, newest first.
    pub async fn snapshots(&self, stack: StackId, limit: i64) -> Result<Vec<SnapshotSummary>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT s.id, s.number, s.source, s.created_at, s.commit_sha, s.branch, s.repository_url,
                    (SELECT COUNT(*) FROM snapshot_tools t WHERE t.snapshot_id = s.id) AS tools
             FROM stack_snapshots s WHERE s.stack_id = {stack} ORDER BY s.id DESC LIMIT {limit}"
        ))
        .await
    }
}

/// A list as the JSON text a snapshot stores it in.
fn json_text<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// A user's snapshot of `tools` (no versions), for tests of the other modules.
#[cfg(test)]
pub(crate) fn test_snapshot(owner: &str, slug: &str, tools: &[ToolId]) -> NewSnapshot {
    NewSnapshot {
        stack: StackRef::repository(owner, slug),
        author_id: None,
        source: SnapshotSource::Push,
        tools: tools
            .iter()
            .map(|&tool_id| SnapshotTool { tool_id, versions: String::new(), sources: String::new() })
            .collect(),
        details: SnapshotDetails::default(),
        created_at: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_stores;
    use crate::tools::{assert_counters_match_recount, test_tools};

    #[tokio::test]
    async fn snapshots_move_stack_counters() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let (dj, py, rs) = (t["django"], t["python"], t["rust"]);
            s.push_snapshots(&[test_snapshot("ann", "web", &[dj, py]), test_snapshot("bob", "api", &[py, rs])])
                .await
                .unwrap();
            assert_eq!(s.tool_stats(py).await.unwrap().stacks, 2, "{:?}", db.backend);
            // A new snapshot of ann/web drops python and adds rust.
            s.push_snapshots(&[test_snapshot("ann", "web", &[dj, rs])]).await.unwrap();
            assert_eq!(s.tool_stats(py).await.unwrap().stacks, 1);
            assert_eq!(s.tool_stats(rs).await.unwrap().stacks, 2);
            assert_counters_match_recount(s).await;
            // The same stack twice in one batch is refused, and nothing is written.
            let before = s.tool_stats(dj).await.unwrap();
            assert!(s.push_snapshots(&[test_snapshot("x", "y", &[dj]), test_snapshot("x", "y", &[dj])]).await.is_err());
            assert_eq!(s.tool_stats(dj).await.unwrap(), before);
        }
    }

    #[tokio::test]
    async fn a_stack_reads_back_with_its_tools_and_history() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let (dj, py, rs) = (t["django"], t["python"], t["rust"]);
            let mut first = test_snapshot("ann", "web", &[dj, py]);
            first.tools[0].versions = "5.0, 4.2".into();
            first.tools[0].sources = "requirements.txt".into();
            let v1 = s.push_snapshots(&[first]).await.unwrap()[0];
            let mut second = test_snapshot("ann", "web", &[dj, rs]);
            second.source = SnapshotSource::Edit;
            second.created_at = 2;
            let v2 = s.push_snapshots(&[second]).await.unwrap()[0];
            let mut cli = test_snapshot("ann", "cli", &[rs]);
            cli.created_at = 3;
            s.push_snapshots(&[cli]).await.unwrap();

            let web = s.stack("ann", "web").await.unwrap().unwrap();
            assert_eq!(web.stack, StackRef::repository("ann", "web"), "{:?}", db.backend);
            assert_eq!(web.updated_at, 2);
            assert_eq!(s.stack("ann", "nope").await.unwrap(), None);
            let now: Vec<ToolId> = s.stack_tools(web.id).await.unwrap().iter().map(|t| t.tool_id).collect();
            let mut want = vec![dj, rs];
            want.sort();
            assert_eq!(now, want);
            let old = s.snapshot_tools(web.id, v1).await.unwrap();
            let django = old.iter().find(|t| t.tool_id == dj).unwrap();
            assert_eq!((django.versions.as_str(), django.sources.as_str()), ("5.0, 4.2", "requirements.txt"));
            let cli = s.stack("ann", "cli").await.unwrap().unwrap();
            assert!(s.snapshot_tools(cli.id, v1).await.unwrap().is_empty(), "not that stack's snapshot");
            let history = s.snapshots(web.id, 10).await.unwrap();
            let listed: Vec<(SnapshotId, SnapshotSource, i64)> =
                history.iter().map(|h| (h.id, h.source, h.tools)).collect();
            assert_eq!(listed, [(v2, SnapshotSource::Edit, 2), (v1, SnapshotSource::Push, 2)]);
            let mine: Vec<String> = s.stacks_of("ann").await.unwrap().into_iter().map(|s| s.stack.slug).collect();
            assert_eq!(mine, ["cli", "web"]);
            let using_rust: Vec<StackId> = s.stacks_using(rs, 10).await.unwrap().iter().map(|s| s.id).collect();
            assert_eq!(using_rust, [cli.id, web.id], "most recently updated first");
            let names = s.stack_names(&[web.id]).await.unwrap();
            assert_eq!((names[&web.id].owner.as_str(), names[&web.id].slug.as_str()), ("ann", "web"));
        }
    }

    #[tokio::test]
    async fn snapshots_are_numbered_per_stack_and_an_unchanged_push_records_nothing() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let (dj, py, rs) = (t["django"], t["python"], t["rust"]);
            let mut web = test_snapshot("ann", "web", &[dj, py]);
            web.tools[0].versions = "5.0".into();
            web.details = SnapshotDetails {
                origin: Origin {
                    commit_sha: Some("a".repeat(40)),
                    branch: Some("main".into()),
                    repository_url: Some("https://github.com/ann/web".into()),
                },
                languages: vec![SnapshotLanguage {
                    slug: "python".into(),
                    name: "Python".into(),
                    bytes: 900,
                    share: 0.9,
                }],
                components: vec![SnapshotComponent {
                    path: "api".into(),
                    name: "api".into(),
                    tools: vec!["django".into()],
                }],
            };
            let first = s.push_snapshot_if_changed(&web).await.unwrap();
            assert_eq!((first.number, first.unchanged), (1, false), "{:?}", db.backend);
            // Another stack's snapshots do not move this one's numbers.
            s.push_snapshots(&[test_snapshot("bob", "api", &[rs])]).await.unwrap();
            s.push_snapshots(&[test_snapshot("bob", "api", &[rs, py])]).await.unwrap();

            // The same stack from another commit, scanned later, with the files in another
            // order: nothing new.
            let mut again = web.clone();
            again.created_at = 50;
            again.details.origin.commit_sha = Some("b".repeat(40));
            again.tools.reverse();
            again.tools[1].sources = "requirements.txt".into();
            let same = s.push_snapshot_if_changed(&again).await.unwrap();
            assert_eq!(same, Recorded { id: first.id, number: 1, unchanged: true });
            let stack = s.stack("ann", "web").await.unwrap().unwrap();
            assert_eq!(stack.updated_at, 1, "an unchanged push does not touch the stack");
            assert_eq!(s.snapshots(stack.id, 10).await.unwrap().len(), 1);

            // A new version, a new language share or a new component is a change.
            let mut newer = web.clone();
            newer.tools[0].versions = "5.1".into();
            let second = s.push_snapshot_if_changed(&newer).await.unwrap();
            assert_eq!((second.number, second.unchanged), (2, false));
            let mut languages = newer.clone();
            languages.details.languages[0].bytes = 901;
            assert_eq!(s.push_snapshot_if_changed(&languages).await.unwrap().number, 3);
            let mut components = languages.clone();
            components.details.components.clear();
            assert_eq!(s.push_snapshot_if_changed(&components).await.unwrap().number, 4);
            assert!(s.push_snapshot_if_changed(&components).await.unwrap().unchanged);

            let history = s.snapshots(stack.id, 10).await.unwrap();
            let numbers: Vec<i64> = history.iter().map(|h| h.number).collect();
            assert_eq!(numbers, [4, 3, 2, 1]);
            assert_eq!(history[3].origin, web.details.origin, "the first push keeps its commit");
            let bob = s.stack("bob", "api").await.unwrap().unwrap();
            let numbers: Vec<i64> = s.snapshots(bob.id, 10).await.unwrap().iter().map(|h| h.number).collect();
            assert_eq!(numbers, [2, 1]);
            let (languages_now, components_now) = s.latest_details(stack.id).await.unwrap();
            assert_eq!(languages_now[0].bytes, 901);
            assert!(components_now.is_empty());
            assert_counters_match_recount(s).await;
        }
    }

    #[tokio::test]
    async fn lists_of_stacks_filter_sort_and_search() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let mut web = test_snapshot("ann", "web", &[t["django"], t["python"]]);
            web.created_at = 5;
            let mut team = test_snapshot("ann", "team_100%", &[t["rust"]]);
            team.stack.kind = StackKind::Team;
            team.created_at = 9;
            s.push_snapshots(&[web, team, test_snapshot("bob", "cli", &[t["rust"]])]).await.unwrap();
            let all = StackFilter::default();
            let names = |found: Vec<StackSummary>| -> Vec<String> { found.into_iter().map(|s| s.stack.slug).collect() };
            assert_eq!(
                names(s.list_stacks(all, StackOrder::Recent, 10, 0).await.unwrap()),
                ["team_100%", "web", "cli"]
            );
            assert_eq!(
                names(s.list_stacks(all, StackOrder::Name, 2, 1).await.unwrap()),
                ["web", "cli"],
                "{:?}",
                db.backend
            );
            let rust = StackFilter { tool: Some(t["rust"]), ..all };
            assert_eq!(s.count_stacks(rust).await.unwrap(), 2);
            let teams = StackFilter { kind: Some(StackKind::Team), ..all };
            assert_eq!(names(s.list_stacks(teams, StackOrder::Name, 10, 0).await.unwrap()), ["team_100%"]);
            assert_eq!(s.count_stacks(all).await.unwrap(), 3);
            assert_eq!(names(s.search_stacks("WE", 10).await.unwrap()), ["web"], "any case");
            assert_eq!(names(s.search_stacks("100%", 10).await.unwrap()), ["team_100%"]);
            assert!(s.search_stacks("_", 10).await.unwrap().iter().all(|x| x.stack.slug.contains('_')), "_ is itself");
            assert_eq!(s.search_stacks("bob", 10).await.unwrap().len(), 1, "by owner too");
        }
    }
}
