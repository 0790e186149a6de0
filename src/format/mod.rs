//! File formats. `v1` is the export (for people and other tools);
//! `stored` is what the app keeps in the browser's storage (compact, with
//! what merging tabs needs) and reads every stored version.

pub mod claimreview;
pub mod stored;
pub mod v1;

// Interoperability formats (issue 12): shared types and sniffing, then one
// file per format.
pub mod brat;
pub mod csv;
pub mod hypothesis;
pub mod interop;
pub mod jsonl;
pub mod w3c;
