//! Administrative divisions: Inner Mongolia's region, leagues/cities, banners/counties and
//! townships (GB/T 2260), compiled into the binary, plus China's provinces for organizations
//! registered elsewhere (Beijing–Inner Mongolia cooperation).
//!
//! Invariants: the table is immutable reference data parsed once; every code handed out by
//! this module exists in it. Calls nothing else in the crate but the kernel.

mod rules;

pub use rules::{Division, Level, PROVINCES, REGION_CODE, Regions, province, regions};
