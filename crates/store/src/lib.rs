//! stackdex-store
