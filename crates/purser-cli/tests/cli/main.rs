//! Integration tests: the real `purser` binary on fixture images, with real plugin libraries.

mod inspect;
mod java;
mod packages;
mod plugins;
mod scan;
mod support;
