//! The one integration test binary; each topic lives in its own module so the binary links once.

mod modules;
