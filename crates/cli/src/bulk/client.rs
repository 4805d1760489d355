//! Building the client for `bulk-reset`: the in-process emulator (holding the
//! input's users) when asked, then the table's client options as given.

use crate::client_options::ClientOptions;
use cloudsso::{Client, ClientBuilder};
use cloudsso_emulator::{Emulator, EmulatorConfig, State};

/// Starts the in-process emulator with `users` in `directory_id`.
pub fn start_emulator(directory_id: &str, users: &[String]) -> Result<Emulator, String> {
    let state = serde_json::json!({
        "directories": [{"directory_id": directory_id, "users": users}]
    });
    let state = State::from_json_str(&state.to_string())
        .map_err(|e| format!("cannot prepare the emulator: {e}"))?;
    Emulator::start(EmulatorConfig {
        state: Some(state),
        ..Default::default()
    })
    .map_err(|e| format!("cannot start the emulator: {e}"))
}

/// Builds the client: emulator endpoint and keys first, then `--vpc`, then
/// every client option forwarded as given.
pub fn build(
    options: &ClientOptions,
    emulator: Option<&Emulator>,
    vpc: bool,
) -> Result<Client, cloudsso::Error> {
    let mut builder: ClientBuilder =
        Client::builder().user_agent(concat!("cloudsso-cli/", env!("CARGO_PKG_VERSION"), " bulk"));
    if let Some(emulator) = emulator {
        let demo = emulator.demo();
        builder = builder
            .endpoint(emulator.endpoint())
            .access_key(&demo.access_key_id, &demo.access_key_secret);
    }
    if vpc {
        builder = builder.option("network", "vpc")?;
    }
    options.apply(builder)?.build()
}
