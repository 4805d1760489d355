//! Gives libcloudsso.so a SONAME on Linux, so that programs linked against an
//! installed copy keep finding it across ABI-compatible upgrades. For 0.x
//! releases the minor version is part of the ABI: "libcloudsso.so.0.1".

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let minor = env!("CARGO_PKG_VERSION_MINOR");
    let soname = if major == "0" {
        format!("libcloudsso.so.0.{minor}")
    } else {
        format!("libcloudsso.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
