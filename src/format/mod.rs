//! File formats. `v1` is both the export and the unit of storage.
