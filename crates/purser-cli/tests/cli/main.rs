//! Integration tests: the real `purser` binary on fixture images, with real plugin libraries.

mod formats;
mod inspect;
mod java;
mod packages;
mod plugins;
mod scan;
mod secrets;
mod support;
mod update;
mod verify;
mod vulnerabilities;
