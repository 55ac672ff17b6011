//! One adapter folder per agent format.

pub mod claude;
