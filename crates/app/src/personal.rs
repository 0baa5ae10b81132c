//! The visitor's own part of a page: which of its toggles (follow a tool, stack or
//! organisation; vote for a pro or con; upvote a decision) the signed-in visitor has pressed.
//! Pages are built and cached once for everybody with every toggle off; each toggle names
//! itself with a [`Toggle`] key, and for a signed-in request the web edge asks
//! [`App::pressed`] which of the page's keys to turn on, in one query per kind.
//!
//! What a signed-in visitor costs is kept in memory too ([`Visitors`]): their session (by the
//! hash of its cookie) and, per page, which toggles they have pressed. Both are dropped by the
//! change log's `user:{id}` tags, which every write of a user's marks or account records, so a
//! follow shows on the page the browser lands on next, and a log-out on one server ends the
//! session on every server within a poll.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::RwLock;
use stackdex_store::{DecisionId, ReasonId, Tag, Target, TargetKind, User, UserId};

use crate::accounts::Session;
use crate::{App, Result};

/// A toggle control of a page, as its markup names it: `follow:tool:12`, `vote:34`,
/// `upvote:56`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Toggle {
    Follow(Target),
    Vote(ReasonId),
    Upvote(DecisionId),
}

impl fmt::Display for Toggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Toggle::Follow(t) => write!(f, "follow:{}:{}", t.kind, t.id),
            Toggle::Vote(id) => write!(f, "vote:{id}"),
            Toggle::Upvote(id) => write!(f, "upvote:{id}"),
        }
    }
}

impl FromStr for Toggle {
    type Err = ();

    fn from_str(s: &str) -> std::result::Result<Toggle, ()> {
        let mut parts = s.split(':');
        let toggle = match (parts.next(), parts.next(), parts.next()) {
            (Some("follow"), Some(kind), Some(id)) => {
                let kind: TargetKind = kind.parse().map_err(|_| ())?;
                Toggle::Follow(Target { kind, id: id.parse().map_err(|_| ())? })
            }
            (Some("vote"), Some(id), None) => Toggle::Vote(id.parse().map_err(|_| ())?),
            (Some("upvote"), Some(id), None) => Toggle::Upvote(id.parse().map_err(|_| ())?),
            _ => return Err(()),
        };
        Ok(toggle)
    }
}

/// Signed-in visitors' sessions and pressed toggles, kept between requests. Entries are
/// written only if no user change was applied while they were read (a generation, as in the
/// page cache), so a read racing a write never keeps the old answer.
#[derive(Default)]
pub(crate) struct Visitors {
    generation: AtomicU64,
    /// Live sessions by the hash of their cookie, with when they end (Unix seconds).
    sessions: RwLock<HashMap<String, (Session, i64)>>,
    /// Per user, the pressed toggles of a page, by the hash of the page's toggle keys.
    pressed: RwLock<HashMap<UserId, HashMap<u64, HashSet<Toggle>>>>,
}

/// Sessions and users kept at most (a bound, not a target: past it, everything is dropped).
const MAX_VISITORS: usize = 50_000;
/// Pages whose pressed toggles are kept per user.
const MAX_PAGES_PER_USER: usize = 256;

impl Visitors {
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn session(&self, id_hash: &str, now: i64) -> Option<Session> {
        let sessions = self.sessions.read();
        let (session, expires_at) = sessions.get(id_hash)?;
        (*expires_at > now).then(|| session.clone())
    }

    pub(crate) fn keep_session(&self, id_hash: String, session: Session, expires_at: i64, read_at: u64) {
        let mut sessions = self.sessions.write();
        if read_at != self.generation() {
            return;
        }
        if sessions.len() >= MAX_VISITORS {
            sessions.clear();
        }
        sessions.insert(id_hash, (session, expires_at));
    }

    pub(crate) fn forget_session(&self, id_hash: &str) {
        let mut sessions = self.sessions.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        sessions.remove(id_hash);
    }

    fn pressed(&self, user: UserId, page: u64) -> Option<HashSet<Toggle>> {
        self.pressed.read().get(&user)?.get(&page).cloned()
    }

    fn keep_pressed(&self, user: UserId, page: u64, pressed: HashSet<Toggle>, read_at: u64) {
        let mut all = self.pressed.write();
        if read_at != self.generation() {
            return;
        }
        if all.len() >= MAX_VISITORS {
            all.clear();
        }
        let pages = all.entry(user).or_default();
        if pages.len() >= MAX_PAGES_PER_USER {
            pages.clear();
        }
        pages.insert(page, pressed);
    }

    /// Applies the change log's tags: each `user:{id}` drops what is kept about that user;
    /// `*` drops everything.
    pub(crate) fn invalidate(&self, tags: &[Tag]) {
        let everything = tags.contains(&Tag::Everything);
        let users: HashSet<UserId> =
            tags.iter().filter_map(|t| if let Tag::User(u) = t { Some(*u) } else { None }).collect();
        if !everything && users.is_empty() {
            return;
        }
        // Both locks are held while the generation moves, so no read started before it can
        // write afterwards.
        let mut sessions = self.sessions.write();
        let mut pressed = self.pressed.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        if everything {
            sessions.clear();
            pressed.clear();
        } else {
            sessions.retain(|_, (s, _)| !users.contains(&s.user.id));
            pressed.retain(|u, _| !users.contains(u));
        }
    }
}

/// One number for a page's toggle keys, in the order the page names them.
fn page_key(toggles: &[Toggle]) -> u64 {
    let mut hasher = DefaultHasher::new();
    toggles.hash(&mut hasher);
    hasher.finish()
}

impl App {
    /// Which of a page's toggles `user` has pressed: kept from an earlier visit of the same
    /// page until the user's marks change, else read in one query per kind.
    pub async fn pressed(&self, user: &User, toggles: &[Toggle]) -> Result<HashSet<Toggle>> {
        let page = page_key(toggles);
        if let Some(pressed) = self.visitors.pressed(user.id, page) {
            return Ok(pressed);
        }
        let read_at = self.visitors.generation();
        let pressed = self.read_pressed(user, toggles).await?;
        self.visitors.keep_pressed(user.id, page, pressed.clone(), read_at);
        Ok(pressed)
    }

    async fn read_pressed(&self, user: &User, toggles: &[Toggle]) -> Result<HashSet<Toggle>> {
        let mut targets = Vec::new();
        let mut reasons = Vec::new();
        let mut decisions = Vec::new();
        for toggle in toggles {
            match *toggle {
                Toggle::Follow(t) => targets.push(t),
                Toggle::Vote(id) => reasons.push(id),
                Toggle::Upvote(id) => decisions.push(id),
            }
        }
        let mut out = HashSet::new();
        if !targets.is_empty() {
            out.extend(self.store.follows_among(user.id, &targets).await?.into_iter().map(Toggle::Follow));
        }
        if !reasons.is_empty() {
            out.extend(self.store.votes_among(user.id, &reasons).await?.into_iter().map(Toggle::Vote));
        }
        if !decisions.is_empty() {
            out.extend(self.store.upvotes_among(user.id, &decisions).await?.into_iter().map(Toggle::Upvote));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackdex_store::testing::fresh_stores;
    use stackdex_store::{ReasonKind, StackId};

    #[test]
    fn keys_read_back_as_written() {
        for toggle in [
            Toggle::Follow(Target::stack(StackId(4))),
            Toggle::Follow(Target { kind: TargetKind::Organisation, id: 5 }),
            Toggle::Vote(ReasonId(6)),
            Toggle::Upvote(DecisionId(7)),
        ] {
            assert_eq!(toggle.to_string().parse::<Toggle>(), Ok(toggle));
        }
        for bad in ["", "vote", "vote:x", "follow:user:3", "follow:tool", "upvote:0", "vote:1:2"] {
            assert!(bad.parse::<Toggle>().is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn the_pressed_toggles_are_the_visitors_own() {
        for db in fresh_stores().await {
            let app = App::open(db.store.clone()).await.unwrap();
            let ann = app.sign_up("ann", "a long password").await.unwrap();
            let bob = app.sign_up("bob", "a long password").await.unwrap();
            let (_, rust) = app.known_tool("rust").unwrap();
            let reason = app.add_reason(&ann, "rust", ReasonKind::Pro, "Fearless concurrency").await.unwrap();
            app.vote(&ann, reason).await.unwrap();
            app.set_follow(&bob, TargetKind::Tool, "rust", true).await.unwrap();
            let page = [Toggle::Follow(Target::tool(rust)), Toggle::Vote(reason)];
            assert_eq!(
                app.pressed(&ann, &page).await.unwrap(),
                HashSet::from([Toggle::Vote(reason)]),
                "{:?}",
                db.backend
            );
            assert_eq!(app.pressed(&bob, &page).await.unwrap(), HashSet::from([page[0]]));
        }
    }

    /// Two servers on one database: what one keeps about a visitor is dropped when the other
    /// changes the visitor's marks or account, as soon as it reads the change log.
    #[tokio::test]
    async fn kept_sessions_and_toggles_follow_writes_on_any_server() {
        for db in fresh_stores().await {
            let here = App::open(db.store.clone()).await.unwrap();
            let there = App::open(db.store.clone()).await.unwrap();
            let ann = here.sign_up("ann", "a long password").await.unwrap();
            let (cookie, _) = here.session_for(ann.clone()).await.unwrap();
            let (_, rust) = here.known_tool("rust").unwrap();
            let page = [Toggle::Follow(Target::tool(rust))];

            assert!(here.pressed(&ann, &page).await.unwrap().is_empty());
            let session = here.session(&cookie).await.unwrap().unwrap();
            assert!(!session.user.is_admin);

            there.set_follow(&ann, TargetKind::Tool, "rust", true).await.unwrap();
            there.set_admin("ann", true).await.unwrap();
            here.poll_changes().await.unwrap();
            assert_eq!(here.pressed(&ann, &page).await.unwrap(), HashSet::from(page), "{:?}", db.backend);
            assert!(here.session(&cookie).await.unwrap().unwrap().user.is_admin, "{:?}", db.backend);

            there.set_follow(&ann, TargetKind::Tool, "rust", false).await.unwrap();
            there.close_session(&cookie).await.unwrap();
            here.poll_changes().await.unwrap();
            assert!(here.pressed(&ann, &page).await.unwrap().is_empty(), "{:?}", db.backend);
            assert!(here.session(&cookie).await.unwrap().is_none(), "{:?}", db.backend);
        }
    }

    /// A read that raced an invalidation is not kept: the next read goes to the database.
    #[test]
    fn a_read_from_before_an_invalidation_is_not_kept() {
        let visitors = Visitors::default();
        let before = visitors.generation();
        visitors.invalidate(&[Tag::User(UserId(1))]);
        visitors.keep_pressed(UserId(1), 7, HashSet::from([Toggle::Vote(ReasonId(3))]), before);
        assert_eq!(visitors.pressed(UserId(1), 7), None);
        visitors.keep_pressed(UserId(1), 7, HashSet::new(), visitors.generation());
        assert_eq!(visitors.pressed(UserId(1), 7), Some(HashSet::new()));
        visitors.invalidate(&[Tag::Tool(stackdex_store::ToolId(1))]);
        assert_eq!(visitors.pressed(UserId(1), 7), Some(HashSet::new()), "a tool's change keeps it");
        visitors.invalidate(&[Tag::User(UserId(2))]);
        assert_eq!(visitors.pressed(UserId(1), 7), Some(HashSet::new()), "another user's change keeps it");
        visitors.invalidate(&[Tag::Everything]);
        assert_eq!(visitors.pressed(UserId(1), 7), None);
    }
}
