//! stackdex-app
