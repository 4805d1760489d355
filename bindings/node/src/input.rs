//! Reads typed values out of JS objects. A value of the wrong type becomes a
//! validation failure naming the field; the value itself is never shown,
//! because it may be a password or a secret.

use crate::failure::Failure;
use cloudsso::options::OptionKind;
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};

/// An options object passed by the caller.
pub struct Fields<'e> {
    object: Object<'e>,
}

impl<'e> Fields<'e> {
    /// `value` must be an object; `undefined` and `null` count as `{}` when
    /// `optional`. `name` is what the value is called in error messages.
    pub fn read(
        value: Option<Unknown<'e>>,
        name: &'static str,
        optional: bool,
    ) -> Result<Option<Self>, Failure> {
        let Some(value) = value else {
            return if optional {
                Ok(None)
            } else {
                Err(Failure::argument(name, "is required"))
            };
        };
        match value.get_type()? {
            ValueType::Undefined | ValueType::Null if optional => Ok(None),
            ValueType::Object => Ok(Some(Fields {
                object: value.coerce_to_object()?,
            })),
            _ => Err(Failure::argument(name, "must be an object")),
        }
    }

    /// Rejects names outside `known`, so that a misspelt option (`readTimeout`
    /// for `readTimeoutMs`) is reported rather than silently ignored.
    pub fn only(&self, known: &[&str]) -> Result<(), Failure> {
        let names = self.object.get_property_names()?;
        for i in 0..names.get_array_length()? {
            let name: Unknown<'e> = names.get_element(i)?;
            let name = name.coerce_to_string()?.into_utf8()?.into_owned()?;
            if !known.contains(&name.as_str()) {
                return Err(Failure::argument(name, "is not a known name here"));
            }
        }
        Ok(())
    }

    /// The property, or `None` when it is missing, `undefined` or `null`.
    fn get(&self, name: &str) -> Result<Option<Unknown<'e>>, Failure> {
        let value: Unknown<'e> = self.object.get_named_property(name)?;
        Ok(match value.get_type()? {
            ValueType::Undefined | ValueType::Null => None,
            _ => Some(value),
        })
    }

    /// A string property.
    pub fn string(&self, name: &'static str) -> Result<Option<String>, Failure> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) if v.get_type()? == ValueType::String => {
                Ok(Some(v.coerce_to_string()?.into_utf8()?.into_owned()?))
            }
            Some(_) => Err(Failure::argument(name, "must be a string")),
        }
    }

    /// A boolean property.
    pub fn boolean(&self, name: &'static str) -> Result<Option<bool>, Failure> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) if v.get_type()? == ValueType::Boolean => Ok(Some(v.coerce_to_bool()?)),
            Some(_) => Err(Failure::argument(name, "must be a boolean")),
        }
    }

    /// An option of the core's table as the text the core parses: strings as
    /// given, booleans as `true`/`false`, numbers in decimal (a fraction or a
    /// negative number is passed on for the core to refuse with its rule).
    pub fn option_text(&self, name: &str, kind: OptionKind) -> Result<Option<String>, Failure> {
        let Some(v) = self.get(name)? else {
            return Ok(None);
        };
        let ty = v.get_type()?;
        let text = match kind {
            OptionKind::Bool if ty == ValueType::Boolean => v.coerce_to_bool()?.to_string(),
            OptionKind::Bool => return Err(Failure::argument(name, "must be a boolean")),
            OptionKind::Integer { .. } | OptionKind::Milliseconds { .. }
                if ty == ValueType::Number =>
            {
                let n = v.coerce_to_number()?.get_double()?;
                if n.is_finite() && n.fract() == 0.0 {
                    format!("{n:.0}")
                } else {
                    n.to_string()
                }
            }
            OptionKind::Integer { .. } | OptionKind::Milliseconds { .. } => {
                return Err(Failure::argument(name, "must be a number"));
            }
            _ if ty == ValueType::String => v.coerce_to_string()?.into_utf8()?.into_owned()?,
            _ => return Err(Failure::argument(name, "must be a string")),
        };
        Ok(Some(text))
    }
}
