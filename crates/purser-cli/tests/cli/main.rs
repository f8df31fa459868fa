//! Integration tests: the real `purser` binary on fixture images, with real plugin libraries.

mod inspect;
mod plugins;
mod scan;
mod support;
