//! Whole-analyzer tests.
