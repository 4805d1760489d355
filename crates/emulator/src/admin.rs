//! The admin API under `/_emulator/`: JSON in, JSON out, no authentication (the server refuses
//! it to non-loopback peers). It never returns a password, secret or token.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::service::{Service, lock};
use crate::state::{AccessKeySpec, DirectorySpec, ThrottleRates, describe_json_error};
use crate::sts::{MetadataSettings, OidcProviderSpec, RoleSpec, StsFault};

/// An admin answer: HTTP status and JSON body.
pub(crate) struct AdminAnswer {
    pub(crate) status: u16,
    pub(crate) body: Value,
    /// The caller asked the emulator to stop serving.
    pub(crate) shutdown: bool,
}

fn ok(body: Value) -> AdminAnswer {
    AdminAnswer {
        status: 200,
        body,
        shutdown: false,
    }
}

fn fail(status: u16, message: impl Into<String>) -> AdminAnswer {
    AdminAnswer {
        status,
        body: json!({ "error": message.into() }),
        shutdown: false,
    }
}

/// Parses a JSON request body, explaining failures without quoting values.
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, AdminAnswer> {
    serde_json::from_slice(body).map_err(|e| {
        fail(
            400,
            format!("invalid JSON body: {}", describe_json_error(&e)),
        )
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckPassword {
    directory_id: String,
    user_id: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockOffset {
    offset_seconds: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThrottleUpdate {
    per_account_per_second: Option<u32>,
    global_per_second: Option<u32>,
}

/// Routes one admin request.
pub(crate) fn handle(service: &Service, method: &str, path: &str, body: &[u8]) -> AdminAnswer {
    let route = path.trim_start_matches("/_emulator").trim_end_matches('/');
    let result = match (method, route) {
        ("GET", "/stats") => Ok(ok(json!(lock(&service.recorder).stats()))),
        ("POST", "/stats/reset") => {
            lock(&service.recorder).reset_stats();
            Ok(ok(json!({ "ok": true })))
        }
        ("GET", "/requests") => Ok(ok(json!(lock(&service.recorder).requests()))),
        ("POST", "/requests/reset") => {
            lock(&service.recorder).reset_log();
            Ok(ok(json!({ "ok": true })))
        }
        ("GET", "/in-flight") => Ok(ok(json!(service.in_flight.stats()))),
        ("POST", "/in-flight/reset") => {
            service.in_flight.reset_peak();
            Ok(ok(json!(service.in_flight.stats())))
        }
        ("POST", "/full-backlog") => match service.full_backlogs.open() {
            Ok(addr) => Ok(ok(json!({
                "endpoint": format!("http://{addr}"),
                "port": addr.port(),
            }))),
            Err(why) => Err(fail(500, why)),
        },
        ("POST", "/release") => Ok(ok(json!({ "released": service.in_flight.release() }))),
        ("POST", "/check-password") => check_password(service, body),
        ("GET", "/faults") => Ok(ok(json!({ "pending": lock(&service.faults).pending() }))),
        ("POST", "/faults") => add_fault(service, body),
        ("DELETE", "/faults") => {
            lock(&service.faults).clear();
            Ok(ok(json!({ "pending": 0 })))
        }
        ("GET", "/clock") => Ok(ok(json!({ "offset_seconds": service.clock.offset() }))),
        ("POST", "/clock") => parse::<ClockOffset>(body).map(|c| {
            service.clock.set_offset(c.offset_seconds);
            ok(json!({ "offset_seconds": c.offset_seconds }))
        }),
        ("GET", "/throttle") => Ok(ok(json!(lock(&service.throttle).rates()))),
        ("POST", "/throttle") => set_throttle(service, body),
        ("POST", "/access-keys") => add_access_key(service, body),
        ("POST", "/directories") => add_directory(service, body),
        ("GET", "/sts/stats") => Ok(ok(json!(lock(&service.sts).stats))),
        ("POST", "/sts/roles") => parse::<RoleSpec>(body).and_then(|spec| {
            let arn = spec.role_arn.clone();
            lock(&service.sts)
                .add_role(spec)
                .map_err(|e| fail(400, e))?;
            Ok(ok(json!({ "role_arn": arn })))
        }),
        ("POST", "/sts/oidc-providers") => parse::<OidcProviderSpec>(body).and_then(|spec| {
            let arn = spec.provider_arn.clone();
            lock(&service.sts)
                .add_provider(spec)
                .map_err(|e| fail(400, e))?;
            Ok(ok(json!({ "provider_arn": arn })))
        }),
        ("POST", "/sts/faults") => parse::<StsFault>(body).and_then(|fault| {
            let pending = lock(&service.sts)
                .push_fault(fault)
                .map_err(|e| fail(400, e))?;
            Ok(ok(json!({ "pending": pending })))
        }),
        ("GET", "/metadata") => Ok(ok(json!(lock(&service.sts).metadata()))),
        ("POST", "/metadata") => parse::<MetadataSettings>(body).and_then(|settings| {
            let mut sts = lock(&service.sts);
            sts.set_metadata(settings).map_err(|e| fail(400, e))?;
            Ok(ok(json!(sts.metadata())))
        }),
        ("POST", "/shutdown") => Ok(AdminAnswer {
            status: 200,
            body: json!({ "ok": true }),
            shutdown: true,
        }),
        (
            _,
            "/stats"
            | "/stats/reset"
            | "/requests"
            | "/requests/reset"
            | "/check-password"
            | "/in-flight"
            | "/in-flight/reset"
            | "/release"
            | "/full-backlog"
            | "/faults"
            | "/clock"
            | "/throttle"
            | "/access-keys"
            | "/directories"
            | "/shutdown"
            | "/sts/stats"
            | "/sts/roles"
            | "/sts/oidc-providers"
            | "/sts/faults"
            | "/metadata",
        ) => Err(fail(405, "method not allowed")),
        _ => Err(fail(404, "no such admin endpoint")),
    };
    result.unwrap_or_else(|answer| answer)
}

fn check_password(service: &Service, body: &[u8]) -> Result<AdminAnswer, AdminAnswer> {
    let req: CheckPassword = parse(body)?;
    match service.check_password(&req.directory_id, &req.user_id, &req.password) {
        Some((matches, require_reset)) => Ok(ok(json!({
            "matches": matches,
            "require_password_reset_for_next_login": require_reset,
        }))),
        None => Err(fail(404, "unknown directory or user")),
    }
}

fn add_fault(service: &Service, body: &[u8]) -> Result<AdminAnswer, AdminAnswer> {
    let fault: Fault = parse(body)?;
    fault.validate().map_err(|e| fail(400, e))?;
    let mut faults = lock(&service.faults);
    faults.push(fault);
    Ok(ok(json!({ "pending": faults.pending() })))
}

fn set_throttle(service: &Service, body: &[u8]) -> Result<AdminAnswer, AdminAnswer> {
    let update: ThrottleUpdate = parse(body)?;
    let mut throttle = lock(&service.throttle);
    let current = throttle.rates();
    let rates = ThrottleRates {
        per_account_per_second: update
            .per_account_per_second
            .unwrap_or(current.per_account_per_second),
        global_per_second: update
            .global_per_second
            .unwrap_or(current.global_per_second),
    };
    throttle.set_rates(rates);
    lock(&service.state).throttle = rates;
    Ok(ok(json!(rates)))
}

fn add_access_key(service: &Service, body: &[u8]) -> Result<AdminAnswer, AdminAnswer> {
    let spec: AccessKeySpec = parse(body)?;
    let id = spec.access_key_id.clone();
    lock(&service.state)
        .add_access_key(spec)
        .map_err(|e| fail(400, e))?;
    Ok(ok(json!({ "access_key_id": id })))
}

fn add_directory(service: &Service, body: &[u8]) -> Result<AdminAnswer, AdminAnswer> {
    let spec: DirectorySpec = parse(body)?;
    let id = spec.directory_id.clone();
    let users = spec.users.len();
    lock(&service.state)
        .add_directory(spec)
        .map_err(|e| fail(400, e))?;
    Ok(ok(json!({ "directory_id": id, "users": users })))
}
