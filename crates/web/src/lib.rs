//! stackdex-web
