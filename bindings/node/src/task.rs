//! One `ResetUserPassword` call as a libuv pool task: the blocking network
//! work runs off the main thread, and the promise settles on it.

use crate::failure::{Failure, guard};
use cloudsso::{Client, ResetUserPasswordRequest, ResetUserPasswordResponse};
use napi::{Env, Task};
use napi_derive::napi;

/// What a call hands to JS; `index.js` wraps it in `ResetUserPasswordResult`,
/// which keeps the password out of `util.inspect` and `JSON.stringify`.
#[napi(object)]
pub struct NativeResult {
    pub request_id: String,
    /// Present only when the service generated the password.
    pub new_password: Option<String>,
}

/// Runs the call and its panic guard: the same code for both front doors.
pub fn run(client: &Client, request: &ResetUserPasswordRequest) -> Result<NativeResult, Failure> {
    guard(|| Ok(client.reset_user_password(request).map(to_js)?))
}

fn to_js(mut response: ResetUserPasswordResponse) -> NativeResult {
    NativeResult {
        new_password: response.take_new_password().map(|p| p.expose().to_string()),
        request_id: response.request_id().to_string(),
    }
}

/// The async front door's task.
pub struct ResetTask {
    pub client: Client,
    pub request: ResetUserPasswordRequest,
}

impl Task for ResetTask {
    type Output = Result<NativeResult, Failure>;
    type JsValue = NativeResult;

    /// Runs on a libuv pool thread. Never fails here: the outcome, error
    /// included, is handed to `resolve` on the main thread, where the JS error
    /// object can be built.
    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(run(&self.client, &self.request))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<NativeResult> {
        output.map_err(|failure| failure.into_napi(&env))
    }
}
