//! File formats. `v1` is the export (for people and other tools);
//! `stored` is what the app keeps in the browser's storage (a v1 file plus
//! what merging tabs needs).

pub mod stored;
pub mod v1;
