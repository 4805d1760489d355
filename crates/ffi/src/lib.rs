//! placeholder, replaced by the C-library work
