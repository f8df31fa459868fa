//! Integration tests: the real `purser` binary on fixture images, with real plugin libraries.

mod db_sources;
mod folding;
mod formats;
mod inspect;
mod java;
mod java_real;
mod languages;
mod packages;
mod plugins;
mod provenance;
mod scan;
mod secrets;
mod support;
mod update;
mod verify;
mod vulnerabilities;
