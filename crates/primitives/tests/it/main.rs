//! Integration tests of the formats: OMG's published vectors and properties over random input.

mod omg_vectors;
mod properties;
