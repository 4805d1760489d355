//! The native `Client` class. It holds the core client (which keeps the
//! secret) and exposes no property that could reveal it.

use crate::convert;
use crate::failure::{Failure, guard};
use crate::task::{NativeResult, ResetTask, run};
use napi::Env;
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi_derive::napi;

/// A CloudSSO client; cheap to share, safe to use from many calls at once.
#[napi(js_name = "Client")]
pub struct NativeClient {
    inner: cloudsso::Client,
}

#[napi]
impl NativeClient {
    /// Checks the options and reads credentials (from the environment when no
    /// keys are given). No network I/O.
    #[napi(constructor, catch_unwind, ts_args_type = "options?: object | null")]
    pub fn new(env: Env, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        guard(|| convert::client(options))
            .map(|inner| NativeClient { inner })
            .map_err(|f| f.into_napi(&env))
    }

    /// The URL requests go to.
    #[napi(getter, catch_unwind)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint().to_string()
    }

    /// Resets a password on the libuv pool; the promise settles on the main thread.
    #[napi(
        catch_unwind,
        ts_args_type = "request: object",
        ts_return_type = "Promise<NativeResult>"
    )]
    pub fn reset_user_password(
        &self,
        env: Env,
        request: Option<Unknown<'_>>,
    ) -> napi::Result<AsyncTask<ResetTask>> {
        let request = guard(|| convert::request(request)).map_err(|f| f.into_napi(&env))?;
        Ok(AsyncTask::new(ResetTask {
            client: self.inner.clone(),
            request,
        }))
    }

    /// Resets a password, blocking the calling thread until done.
    #[napi(catch_unwind, ts_args_type = "request: object")]
    pub fn reset_user_password_sync(
        &self,
        env: Env,
        request: Option<Unknown<'_>>,
    ) -> napi::Result<NativeResult> {
        guard(|| convert::request(request))
            .and_then(|request| run(&self.inner, &request))
            .map_err(|f: Failure| f.into_napi(&env))
    }
}
