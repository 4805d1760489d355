//! placeholder, replaced by the Python-binding work
