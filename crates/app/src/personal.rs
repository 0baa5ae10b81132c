//! The visitor's own part of a page: which of its toggles (follow a tool, stack or
//! organisation; vote for a pro or con; upvote a decision) the signed-in visitor has pressed.
//! Pages are built and cached once for everybody with every toggle off; each toggle names
//! itself with a [`Toggle`] key, and for a signed-in request the web edge asks
//! [`App::pressed`] which of the page's keys to turn on, in one query per kind.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use stackdex_store::{DecisionId, ReasonId, Target, TargetKind, User};

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

impl App {
    /// Which of a page's toggles `user` has pressed.
    pub async fn pressed(&self, user: &User, toggles: &[Toggle]) -> Result<HashSet<Toggle>> {
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
}
