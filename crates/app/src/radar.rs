//! An organisation's tech radar, checked against what its stacks really use. The radar is a
//! file kept in a repository (`techradar.yml`, read by `stackdex_scan::radar`); each push
//! records a new version. The page shows the latest version's blips by quadrant and ring, its
//! drift from the organisation's stacks as their latest scans found them (tools on hold in use,
//! tools to adopt that no stack uses, tools in use the radar does not mention), and how the
//! tools moved since the version before ("Kafka: trial → adopt").

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use stackdex_scan::radar::{RadarEntry, Ring};
use stackdex_store::User;
use utoipa::ToSchema;

use crate::views::NameLink;
use crate::{App, AppError, Result};

/// Longest radar file accepted, in bytes.
pub const MAX_RADAR_BYTES: usize = 512 * 1024;

/// What a push of a radar file recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarPushed {
    /// The new version's number (1, 2, ...).
    pub version: i64,
    /// How many entries it holds.
    pub entries: usize,
    /// Names in the file the catalog does not know (left out), with suggestions.
    pub unknown: Vec<UnknownTool>,
    /// `/organisations/{slug}/radar`.
    pub url: String,
}

/// A name the catalog does not know, and the tools it may have meant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnknownTool {
    pub name: String,
    pub suggestions: Vec<String>,
}

/// One tool on the radar, with the organisation's stacks that use it now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarBlip {
    pub slug: String,
    pub name: String,
    /// adopt, trial, assess or hold.
    pub ring: String,
    pub quadrant: String,
    pub note: Option<String>,
    /// `owner/name` of the stacks that use it now.
    pub stacks: Vec<String>,
    /// Its number on the drawing and in the list by ring (1, 2, ... from adopt to hold).
    #[serde(skip)]
    pub number: usize,
    /// The quadrant's display name (a layer's name in the taxonomy).
    #[serde(skip)]
    pub quadrant_name: String,
}

/// A tool with the stacks that use it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolUse {
    pub slug: String,
    pub name: String,
    pub stacks: Vec<String>,
}

/// Where the radar and the stacks disagree.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RadarDrift {
    /// Tools on hold that stacks use.
    pub hold_in_use: Vec<ToolUse>,
    /// Tools to adopt that no stack uses.
    pub adopt_unused: Vec<NameLink>,
    /// Tools the stacks use that the radar does not mention.
    pub unlisted: Vec<ToolUse>,
}

/// A tool that changed ring since the version before (`from` None: new on the radar; `to`
/// None: dropped from it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarMove {
    pub slug: String,
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A version of the radar, as the history lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarVersionView {
    pub version: i64,
    pub created_at: i64,
    pub entries: usize,
}

/// An organisation's radar: its latest version checked against the stacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarPage {
    pub organisation: NameLink,
    /// None when no radar was pushed yet.
    pub version: Option<i64>,
    /// The quadrants, in the order they are drawn (clockwise from the top right).
    pub quadrants: Vec<String>,
    /// Their display names, in the same order.
    #[serde(skip)]
    pub quadrant_names: Vec<String>,
    pub blips: Vec<RadarBlip>,
    pub drift: RadarDrift,
    /// Since the version before this one.
    pub moves: Vec<RadarMove>,
    /// Newest first.
    pub versions: Vec<RadarVersionView>,
}

impl RadarVersionView {
    pub fn date_fmt(&self) -> String {
        crate::format::date(self.created_at)
    }
}

/// The taxonomy's four layers: the quadrants of a radar whose entries name none.
const LAYERS: [&str; 4] = ["application-and-data", "utilities", "devops", "business-tools"];
/// Radar versions shown in the history.
const HISTORY: i64 = 50;

fn parse_entries(json: &str) -> Vec<RadarEntry> {
    serde_json::from_str(json).unwrap_or_default()
}

impl App {
    /// Records a radar file (YAML or JSON) as a new version of the organisation's radar: its
    /// members and admins may. Names the catalog does not know are left out and answered.
    pub async fn push_radar(&self, user: &User, organisation: &str, text: &str) -> Result<RadarPushed> {
        let org = self.find_organisation(organisation).await?;
        if !user.is_admin && self.store.role(org.id, user.id).await?.is_none() {
            return Err(AppError::Forbidden(format!("only members of {} change its radar", org.slug)));
        }
        if text.len() > MAX_RADAR_BYTES {
            return Err(AppError::BadRequest(format!("a radar file is at most {MAX_RADAR_BYTES} bytes")));
        }
        let radar = stackdex_scan::radar::read(self.catalog, text).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let entries =
            serde_json::to_string(&radar.entries).map_err(|e| AppError::Internal(format!("writing a radar: {e}")))?;
        let version = self.store.record_radar(org.id, &entries, Some(user.id)).await?;
        let unknown = radar
            .unknown
            .iter()
            .map(|name| UnknownTool {
                name: name.clone(),
                suggestions: crate::search::suggest_tools(self.catalog, name, 3),
            })
            .collect();
        Ok(RadarPushed {
            version,
            entries: radar.entries.len(),
            unknown,
            url: format!("/organisations/{}/radar", org.slug),
        })
    }

    /// The organisation's latest radar, its drift from the stacks, and its moves.
    pub async fn radar_page(&self, organisation: &str) -> Result<RadarPage> {
        let org = self.find_organisation(organisation).await?;
        let versions = self.store.radar_versions(org.id, HISTORY).await?;
        let current: Vec<RadarEntry> = versions.first().map(|v| parse_entries(&v.entries)).unwrap_or_default();
        let before: Vec<RadarEntry> = versions.get(1).map(|v| parse_entries(&v.entries)).unwrap_or_default();

        // What the stacks use now: slug -> stacks.
        let rows = self.store.fleet_rows(&org.slug).await?;
        let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for tool_rows in crate::fleet::latest_until(&rows, i64::MAX).values() {
            for r in tool_rows {
                if let Some(t) = self.tool_by_id(r.tool_id) {
                    used.entry(t.slug.clone()).or_default().insert(format!("{}/{}", org.slug, r.stack));
                }
            }
        }
        let stacks_of = |slug: &str| used.get(slug).map(|s| s.iter().cloned().collect()).unwrap_or_default();

        let mut quadrants: Vec<String> = Vec::new();
        for e in &current {
            if !quadrants.contains(&e.quadrant) {
                quadrants.push(e.quadrant.clone());
            }
        }
        if quadrants.iter().all(|q| LAYERS.contains(&q.as_str())) {
            quadrants = LAYERS.iter().map(|l| (*l).to_owned()).collect();
        }
        let quadrant_name =
            |q: &str| self.catalog.layer(q).map(|l| l.name.clone()).unwrap_or_else(|| q.replace('-', " "));
        let mut ordered: Vec<&RadarEntry> = current.iter().collect();
        ordered.sort_by_key(|e| e.ring);
        let blips: Vec<RadarBlip> = ordered
            .into_iter()
            .enumerate()
            .map(|(i, e)| RadarBlip {
                slug: e.slug.clone(),
                name: e.name.clone(),
                ring: e.ring.as_str().to_owned(),
                quadrant: e.quadrant.clone(),
                note: e.note.clone(),
                stacks: stacks_of(&e.slug),
                number: i + 1,
                quadrant_name: quadrant_name(&e.quadrant),
            })
            .collect();
        let listed: BTreeSet<&str> = current.iter().map(|e| e.slug.as_str()).collect();
        let name_of = |slug: &str| self.catalog.tool(slug).map(|t| t.name.clone()).unwrap_or_else(|| slug.to_owned());
        let drift = if versions.is_empty() {
            RadarDrift::default()
        } else {
            RadarDrift {
                hold_in_use: blips
                    .iter()
                    .filter(|b| b.ring == Ring::Hold.as_str() && !b.stacks.is_empty())
                    .map(|b| ToolUse { slug: b.slug.clone(), name: b.name.clone(), stacks: b.stacks.clone() })
                    .collect(),
                adopt_unused: blips
                    .iter()
                    .filter(|b| b.ring == Ring::Adopt.as_str() && b.stacks.is_empty())
                    .map(|b| NameLink::new(b.slug.clone(), b.name.clone()))
                    .collect(),
                unlisted: used
                    .iter()
                    .filter(|(slug, _)| !listed.contains(slug.as_str()))
                    .map(|(slug, stacks)| ToolUse {
                        slug: slug.clone(),
                        name: name_of(slug),
                        stacks: stacks.iter().cloned().collect(),
                    })
                    .collect(),
            }
        };
        let moves = if versions.len() < 2 { Vec::new() } else { moves(&before, &current) };
        Ok(RadarPage {
            organisation: NameLink::new(org.slug, org.name),
            version: versions.first().map(|v| v.version),
            quadrant_names: quadrants.iter().map(|q| quadrant_name(q)).collect(),
            quadrants,
            blips,
            drift,
            moves,
            versions: versions
                .iter()
                .map(|v| RadarVersionView {
                    version: v.version,
                    created_at: v.created_at,
                    entries: parse_entries(&v.entries).len(),
                })
                .collect(),
        })
    }
}

/// The tools whose ring changed from `before` to `after`, those added and those dropped.
fn moves(before: &[RadarEntry], after: &[RadarEntry]) -> Vec<RadarMove> {
    let was: BTreeMap<&str, &RadarEntry> = before.iter().map(|e| (e.slug.as_str(), e)).collect();
    let now: BTreeMap<&str, &RadarEntry> = after.iter().map(|e| (e.slug.as_str(), e)).collect();
    let mut out = Vec::new();
    for (slug, e) in &now {
        let from = was.get(slug).map(|w| w.ring);
        if from != Some(e.ring) {
            out.push(RadarMove {
                slug: (*slug).to_owned(),
                name: e.name.clone(),
                from: from.map(|r| r.as_str().to_owned()),
                to: Some(e.ring.as_str().to_owned()),
            });
        }
    }
    for (slug, e) in &was {
        if !now.contains_key(slug) {
            out.push(RadarMove {
                slug: (*slug).to_owned(),
                name: e.name.clone(),
                from: Some(e.ring.as_str().to_owned()),
                to: None,
            });
        }
    }
    out
}
