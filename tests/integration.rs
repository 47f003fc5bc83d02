//! Every integration test in one binary: one link instead of one a file (each test binary
//! holds the whole application, ~200 MB in debug), which is most of what a change to the
//! application costs to test. Run one file's tests with `cargo test --test integration <file>::`.

mod common;

mod accounts;
mod api;
mod audit;
mod batching;
mod bidders;
mod brands;
mod browser;
mod browser_grants;
mod calls;
mod complaints;
mod confirm;
mod contracts;
mod credit;
mod duties;
mod evaluation;
mod graduation;
mod grants;
mod http;
mod hygiene;
mod incubators;
mod inspections;
mod instances;
mod invariants;
mod kpis;
mod layers;
mod layout;
mod mail;
mod matching;
mod multi;
mod notices;
mod opendata;
mod oracle;
mod payments;
mod procurement;
mod procurement_http;
mod proposal_files;
mod proposals;
mod recognition;
mod regulation;
mod reviews;
mod search;
mod spaces;
mod spot_ratios;
mod targets;
mod tender_documents;
mod two_factor;
mod two_stage;
mod vetting;
mod weight;
mod zombies;
