//! Ids and kinds with types of their own, from the web edge down to the SQL binding: a user id
//! cannot be passed where a tool id is wanted, and a kind is an enum, never a loose string.

use std::fmt;
use std::str::FromStr;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// A positive number; serialised as a bare number, parsed (from a path or a form) only
        /// when positive.
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sea_orm::DeriveValueType,
        )]
        #[serde(try_from = "i64")]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = IdError;

            fn try_from(n: i64) -> Result<Self, IdError> {
                if n > 0 { Ok($name(n)) } else { Err(IdError) }
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, IdError> {
                s.parse::<i64>().map_err(|_| IdError)?.try_into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

ids! {
    /// A user.
    UserId;
    /// A catalog tool's row.
    ToolId;
    /// A stack.
    StackId;
    /// One snapshot of a stack's history.
    SnapshotId;
    /// A decision post.
    DecisionId;
    /// A comment on a decision.
    CommentId;
    /// A pro or con of a tool.
    ReasonId;
    /// An organisation.
    OrganisationId;
    /// An API token (its row; never the token itself).
    TokenId;
    /// An event of the feed.
    EventId;
    /// A report of user content, for the admins.
    ReportId;
}

/// A string that is not a positive whole number where an id was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdError;

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id is a positive whole number")
    }
}

impl std::error::Error for IdError {}

/// A kind kept in a text column: serialised (JSON), displayed, parsed and bound to SQL as the
/// same snake_case word, so the database, the API and the pages name it alike.
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantArray,
            sea_orm::DeriveValueType,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        #[sea_orm(value_type = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant),*
        }

        impl $name {
            /// The word that names it everywhere.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}

pub(crate) use text_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_numbers() {
        assert_eq!("12".parse::<DecisionId>(), Ok(DecisionId(12)));
        for bad in ["0", "-3", "x", "", "1.5", "99999999999999999999"] {
            assert_eq!(bad.parse::<DecisionId>(), Err(IdError), "{bad:?}");
        }
        assert_eq!(serde_json::to_string(&ToolId(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<ToolId>("7").unwrap(), ToolId(7));
        assert!(serde_json::from_str::<ToolId>("0").is_err());
    }
}
