//! Who is acting and what they may do: the `Actor` every operation on the pantry's data
//! takes, the three roles, and the one table of protected operations with the least role each
//! needs. The library checks it on every call (`Actor::require`, in `audit`, which records each
//! refusal), and the screens ask it what the signed-in volunteer may do
//! (`Actor::permissions`). Reads that any volunteer may make take `_signed_in: &Actor`: only
//! sign-in makes an actor, so holding one is the proof. `tests/actors.rs` lists every public
//! function on the database that takes none, each with its reason.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Counter,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Counter, Role::Manager, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Counter => "counter",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Counter => "counter volunteer",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// "a manager", "an admin".
    pub fn with_article(self) -> String {
        let label = self.label();
        let article = if label.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {label}")
    }

    /// The role stored as `code`; an unknown code is an error, never a silent default.
    pub fn from_code(code: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| Error::Conflict(format!("\"{code}\" is not a role Pantry knows.")))
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(code: String) -> std::result::Result<Self, Self::Error> {
        Role::from_code(&code).map_err(|e| e.to_string())
    }
}

/// Defines `Operation` with, for each, the least role it needs and what it is in words.
macro_rules! operations {
    ($($op:ident => $role:ident, $doing:literal;)+) => {
        /// Every protected operation of the library. Adding one here is the only way to
        /// protect it, and `tests/roles.rs` calls each one as each role.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "camelCase")]
        pub enum Operation {
            $($op,)+
        }

        impl Operation {
            pub const ALL: &'static [Operation] = &[$(Operation::$op,)+];

            /// The least role that may do this.
            pub fn min_role(self) -> Role {
                match self {
                    $(Operation::$op => Role::$role,)+
                }
            }

            /// What it is, as a refusal says it ("Erasing a household needs a manager").
            pub fn doing(self) -> &'static str {
                match self {
                    $(Operation::$op => $doing,)+
                }
            }
        }
    };
}

operations! {
    RegisterHousehold => Counter, "Registering a household";
    EditHousehold => Counter, "Changing a household's details";
    RenewMembership => Counter, "Renewing a membership";
    ChangeMembershipStatus => Counter, "Pausing, ending or restarting a membership";
    PrintCards => Counter, "Printing membership cards";
    PrintWelcome => Counter, "Printing a welcome sheet";
    PrintSlip => Counter, "Printing a referral slip";
    RecordVisit => Counter, "Recording a visit";
    CashUp => Counter, "Cashing up";
    MakeReferral => Counter, "Making a referral";
    RecordReferralProgress => Counter, "Recording a referral's contact or outcome";
    ReceiveDelivery => Counter, "Receiving a delivery";
    RecordDeliveryOutcome => Counter, "Recording what happened to a home delivery";
    ReplaceCard => Manager, "Replacing a membership card";
    MergeHouseholds => Manager, "Merging households";
    EraseHousehold => Manager, "Erasing a household";
    AnonymiseAbsent => Manager, "Anonymising long-absent households (data retention)";
    SubjectAccess => Manager, "Exporting what is held about a household";
    ImportMembers => Manager, "Importing members";
    ImportStock => Manager, "Importing opening stock";
    OverrideVisit => Manager, "Recording a visit the rules refuse";
    VoidVisit => Manager, "Undoing a visit";
    EditAgencies => Manager, "Changing the agency directory";
    EditItems => Manager, "Changing the item catalogue";
    RecordWaste => Manager, "Recording waste";
    StockCount => Manager, "Running a stock count";
    ExportReport => Manager, "Exporting a report";
    ViewAudit => Manager, "Viewing the audit trail";
    ViewOutreach => Manager, "Seeing support needs, welfare calls and deliveries";
    ChangeSupportNeeds => Manager, "Recording a household's support needs";
    LogContact => Manager, "Logging a welfare call";
    SetDelivery => Manager, "Setting a household to receive deliveries";
    PlanRound => Manager, "Planning a delivery round";
    PackRound => Manager, "Packing a delivery round";
    EditParcel => Manager, "Changing the standard parcel";
    PrintOutreach => Manager, "Printing run sheets, parcel labels and call sheets";
    ChangeSettings => Admin, "Changing the settings";
    ChangeStockSettings => Admin, "Changing the stock settings";
    ChangeReportSettings => Admin, "Changing the report settings";
    ChangeBackupSettings => Admin, "Changing the backup settings";
    TakeBackup => Admin, "Taking a backup";
    RestoreBackup => Admin, "Restoring a backup";
    ManageVolunteers => Admin, "Managing volunteers";
    PrintRecoverySheet => Admin, "Printing the recovery sheet";
    ExportDatabase => Admin, "Exporting the whole database unencrypted";
}

/// Who is doing something: a volunteer signed in (in the app, or on the command line with
/// `--volunteer` and their PIN), or the app's own housekeeping. Only sign-in, first-run
/// set-up and the library's named system actions make one, so holding an `Actor` means
/// somebody signed in. Not a wire type: the screens see `SignedIn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    id: Option<i64>,
    name: String,
    role: Role,
}

impl Actor {
    /// A volunteer whose PIN (or the recovery key) was just checked, or the first admin.
    pub(crate) fn volunteer(id: i64, name: String, role: Role) -> Actor {
        Actor {
            id: Some(id),
            name,
            role,
        }
    }

    /// The library acting on its own, named for the record: making the demo pantry, the
    /// safety copy before a restore an admin asked for.
    pub(crate) fn system(name: &str, role: Role) -> Actor {
        Actor {
            id: None,
            name: name.into(),
            role,
        }
    }

    /// The app's own housekeeping: the daily backup and the one on closing, recorded as
    /// taken by "Pantry".
    pub fn housekeeping() -> Actor {
        Actor::system("Pantry", Role::Admin)
    }

    /// Any actor, for the project's own tests and benchmarks (the `test-support` feature,
    /// which only they turn on).
    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests(name: &str, role: Role) -> Actor {
        Actor::system(name, role)
    }

    /// The volunteer's id (none for the library's own actions).
    pub fn id(&self) -> Option<i64> {
        self.id
    }

    /// The name recorded for what this actor does.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether this actor may do `op`.
    pub fn may(&self, op: Operation) -> bool {
        self.role >= op.min_role()
    }

    /// Everything this actor may do, for the screens to show or hide.
    pub fn permissions(&self) -> Vec<Operation> {
        Operation::ALL
            .iter()
            .copied()
            .filter(|op| self.may(*op))
            .collect()
    }
}

/// The signed-in volunteer as the screens see them: who, their role in words, and every
/// operation they may do (screens hide or disable the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub name: String,
    pub role: Role,
    pub role_label: String,
    pub may: Vec<Operation>,
    /// Every operation this volunteer may not do, with the plain reason the screens show
    /// where it would be ("Recording waste needs a manager.").
    pub withheld: Vec<Withheld>,
}

/// An operation the signed-in volunteer may not do, and why, from the role table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Withheld {
    pub operation: Operation,
    pub why: String,
}

impl From<&Actor> for SignedIn {
    fn from(actor: &Actor) -> SignedIn {
        SignedIn {
            name: actor.name.clone(),
            role: actor.role,
            role_label: actor.role.label().to_owned(),
            may: actor.permissions(),
            withheld: Operation::ALL
                .iter()
                .filter(|op| !actor.may(**op))
                .map(|&operation| Withheld {
                    operation,
                    why: format!(
                        "{} needs {}.",
                        operation.doing(),
                        operation.min_role().with_article()
                    ),
                })
                .collect(),
        }
    }
}

/// A role with its label, for the screens' role pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleOption {
    pub role: Role,
    pub label: String,
}

impl Role {
    /// Every role with its label, least first.
    pub fn options() -> Vec<RoleOption> {
        Role::ALL
            .into_iter()
            .map(|role| RoleOption {
                role,
                label: role.label().to_owned(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_do_what_the_roles_below_it_may() {
        let counter = Actor::for_tests("c", Role::Counter).permissions();
        let manager = Actor::for_tests("m", Role::Manager).permissions();
        let admin = Actor::for_tests("a", Role::Admin).permissions();
        assert!(counter.iter().all(|op| manager.contains(op)));
        assert!(manager.iter().all(|op| admin.contains(op)));
        assert_eq!(admin.len(), Operation::ALL.len());
        assert!(!counter.contains(&Operation::AnonymiseAbsent));
        assert!(Role::from_code("superuser").is_err());
    }

    #[test]
    fn the_screens_are_told_why_each_withheld_operation_is_withheld() {
        let counter = SignedIn::from(&Actor::for_tests("Sam", Role::Counter));
        assert_eq!(
            counter.may.len() + counter.withheld.len(),
            Operation::ALL.len()
        );
        let waste = counter
            .withheld
            .iter()
            .find(|w| w.operation == Operation::RecordWaste)
            .unwrap();
        assert_eq!(waste.why, "Recording waste needs a manager.");
        let backup = counter
            .withheld
            .iter()
            .find(|w| w.operation == Operation::TakeBackup)
            .unwrap();
        assert_eq!(backup.why, "Taking a backup needs an admin.");
        assert!(SignedIn::from(&Actor::for_tests("Alex", Role::Admin))
            .withheld
            .is_empty());
    }
}
