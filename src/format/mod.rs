//! File formats. `v1` is both the export and the unit of storage.

pub mod v1;
