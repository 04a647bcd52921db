//! `choices!`: a closed list of options with a stable stored code and a plain-English label,
//! sent to the UI as camelCase names (with `options()` for pickers).

use serde::Serialize;
use ts_rs::TS;

/// One option of a closed list, with its label, for a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlagOption<F> {
    pub value: F,
    pub label: String,
}

macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|c| c.code() == code)
            }
            /// A stored code read back: one Pantry does not know is an error naming it,
            /// never a default.
            pub fn stored(code: &str, what: &str) -> crate::Result<$name> {
                Self::from_code(code).ok_or_else(|| {
                    crate::Error::Conflict(format!(
                        "The stored {what} \"{code}\" is not one Pantry knows; nothing was done."
                    ))
                })
            }
            pub fn options() -> Vec<crate::choices::FlagOption<$name>> {
                Self::ALL.iter().map(|c| crate::choices::FlagOption { value: *c, label: c.label().to_owned() }).collect()
            }
        }
    };
}
