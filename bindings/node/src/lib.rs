//! placeholder, replaced by the Node-binding work
