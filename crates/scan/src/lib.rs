//! Repository scanner (in progress).
