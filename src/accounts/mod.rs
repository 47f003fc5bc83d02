//! Accounts: users, platform roles, server-side sessions, log-in throttling and the one
//! permission policy.
//!
//! Invariants: passwords are stored only as argon2id hashes; a session holds the user id and
//! the CSRF token, nothing else; every access decision goes through [`policy::require`].
//! May call: `orgs` and `units` (memberships), `web` (pages).

pub mod model;
pub mod policy;
pub mod routes;
pub mod rules;
pub mod store;
pub mod views;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sea_orm::{DatabaseConnection, DbErr};

pub use policy::{Action, Actor, OrgRole, may, require};
pub use rules::Role;

/// The signed-in user with what the interface shows about them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// What the policy needs.
    pub actor: Actor,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Organizations: id, name, role.
    pub orgs: Vec<(i64, String, OrgRole)>,
    /// Purchasing units: id, name.
    pub units: Vec<(i64, String)>,
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so both paths take the same time and
/// the response does not reveal which addresses have accounts.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password("civicbridge-timing-equalizer").unwrap_or_default()
    });
    &DUMMY
}

/// Loads the signed-in user, or `None` when the id no longer exists.
pub async fn load_current_user(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Option<CurrentUser>, DbErr> {
    use sea_orm::EntityTrait;
    let Some(u) = model::user::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let roles = model::roles_of(db, user_id).await?;
    let orgs = crate::orgs::memberships_of(db, user_id).await?;
    let units = crate::units::memberships_of(db, user_id).await?;
    Ok(Some(CurrentUser {
        actor: Actor {
            user_id,
            roles,
            orgs: orgs.iter().map(|(id, _, r)| (*id, *r)).collect(),
            units: units.iter().map(|(id, _)| *id).collect(),
        },
        email: u.email,
        display_name: u.display_name,
        orgs,
        units,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
