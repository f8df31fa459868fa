//! Shared pieces of the loopback tests: the HTTP server and the real advisory data it serves.

pub mod data;
pub mod server;
