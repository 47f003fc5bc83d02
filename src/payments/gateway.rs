//! How donations are paid: one [`Gateway`] trait, chosen by configuration.
//! [`Offline`] (the embedded default) creates nothing remotely: the donor transfers to the
//! collecting foundation's bank account with the donation's reference, and the foundation
//! confirms the arrival. [`Stripe`] (when `STRIPE_SECRET_KEY` is set) creates a
//! PaymentIntent server-side with an idempotency key per donation; what happens to it is
//! learned only from verified webhooks.
//!
//! The Stripe client is async-stripe (the stripe-rust family the product card names), only
//! its PaymentIntent and Refund requests: create (with an idempotency key), retrieve (with
//! the latest charge expanded, for the refunded amount) and refund. It talks to
//! `STRIPE_API_BASE` as it is; localstripe, which tests use, omits fields these types
//! require, and the tests put a small filling proxy in front of it (`tests/common/
//! stripe_compat.rs`) — production never goes through one. Webhooks are verified by our
//! own [`super::rules::verify_signature`]: async-stripe's verifier has a fixed 300 s
//! tolerance and keeps only the last `v1` signature, which breaks during a rotation.

use std::collections::HashMap;
use std::time::Duration;

use stripe::{IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_core::payment_intent::{CreatePaymentIntent, RetrievePaymentIntent};
use stripe_core::refund::CreateRefund;
use stripe_core::{PaymentIntent, PaymentIntentStatus};

use super::rules::GatewayKind;
use crate::kernel::money::Fen;

/// Payment settings (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, `STRIPE_API_BASE`,
/// `STRIPE_WEBHOOK_TOLERANCE_SECS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSettings {
    /// Stripe secret key; `None` selects the offline gateway.
    pub stripe_secret_key: Option<String>,
    /// Webhook signing secrets: during a rotation several, comma-separated in the variable.
    pub webhook_secrets: Vec<String>,
    /// Stripe's API base (localstripe in tests: `http://127.0.0.1:8420`).
    pub api_base: String,
    /// How far a webhook's timestamp may be from now, seconds.
    pub webhook_tolerance_secs: i64,
    /// Currency of PaymentIntents.
    pub currency: String,
    /// Publishable key for Stripe.js in the donor's browser (`STRIPE_PUBLISHABLE_KEY`);
    /// without it the donation page shows the state only.
    pub publishable_key: Option<String>,
}

impl Default for PaymentSettings {
    fn default() -> Self {
        PaymentSettings {
            stripe_secret_key: None,
            webhook_secrets: Vec::new(),
            api_base: "https://api.stripe.com".into(),
            webhook_tolerance_secs: 300,
            currency: "cny".into(),
            publishable_key: None,
        }
    }
}

impl PaymentSettings {
    /// The settings from the environment (`var` reads one variable): Stripe when
    /// `STRIPE_SECRET_KEY` is set; `STRIPE_WEBHOOK_SECRET` may list several secrets,
    /// comma-separated, while one is rotated.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<PaymentSettings, String> {
        let mut s = PaymentSettings {
            stripe_secret_key: var("STRIPE_SECRET_KEY").filter(|k| !k.trim().is_empty()),
            publishable_key: var("STRIPE_PUBLISHABLE_KEY").filter(|k| !k.trim().is_empty()),
            ..PaymentSettings::default()
        };
        if let Some(w) = var("STRIPE_WEBHOOK_SECRET") {
            s.webhook_secrets = w
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
        }
        if let Some(b) = var("STRIPE_API_BASE").filter(|b| !b.trim().is_empty()) {
            s.api_base = b.trim().to_string();
        }
        if let Some(t) = var("STRIPE_WEBHOOK_TOLERANCE_SECS") {
            s.webhook_tolerance_secs = t
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|t| *t > 0)
                .ok_or("STRIPE_WEBHOOK_TOLERANCE_SECS must be whole seconds above 0")?;
        }
        if s.stripe_secret_key.is_some() && s.webhook_secrets.is_empty() {
            return Err(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: \
                        donations could never be confirmed"
                    .into(),
            );
        }
        Ok(s)
    }

    /// The publishable key, when Stripe is the gateway and Stripe.js may be loaded.
    pub fn publishable_key(&self) -> Option<&str> {
        match self.kind() {
            GatewayKind::Stripe => self.publishable_key.as_deref().filter(|k| !k.is_empty()),
            GatewayKind::Offline => None,
        }
    }

    /// The gateway in force.
    pub fn kind(&self) -> GatewayKind {
        if self
            .stripe_secret_key
            .as_deref()
            .is_some_and(|k| !k.is_empty())
        {
            GatewayKind::Stripe
        } else {
            GatewayKind::Offline
        }
    }
}

/// A PaymentIntent as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// `pi_…`.
    pub id: String,
    /// For Stripe.js in the donor's browser.
    pub client_secret: String,
}

/// A PaymentIntent as Stripe has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentStatus {
    /// Stripe's status (`succeeded`, `requires_payment_method`, …).
    pub status: String,
    /// Amount received, fen.
    pub received: Fen,
    /// Amount refunded over its charges, fen.
    pub refunded: Fen,
}

/// Why the gateway could not do it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Not reachable or answered with a server error: nothing happened there as far as we know.
    #[error("payment service unreachable: {0}")]
    Unreachable(String),
    /// Stripe refused the request.
    #[error("payment service refused: {0}")]
    Refused(String),
    /// The offline gateway has nothing remote to ask.
    #[error("not applicable offline")]
    Offline,
}

/// A way to be paid.
#[async_trait::async_trait]
pub trait Gateway: Send + Sync {
    /// Which one.
    fn kind(&self) -> GatewayKind;
    /// Starts a payment of `amount` for the donation `reference` (`None` offline).
    async fn create_intent(
        &self,
        reference: &str,
        amount: Fen,
    ) -> Result<Option<Intent>, GatewayError>;
    /// Reads a PaymentIntent.
    async fn fetch_intent(&self, id: &str) -> Result<IntentStatus, GatewayError>;
    /// Refunds `amount` of a PaymentIntent (offline: recorded only, nothing to call).
    async fn refund(&self, intent: &str, amount: Fen, key: &str) -> Result<(), GatewayError>;
}

/// Bank transfer, confirmed by hand.
pub struct Offline;

#[async_trait::async_trait]
impl Gateway for Offline {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Offline
    }
    async fn create_intent(&self, _: &str, _: Fen) -> Result<Option<Intent>, GatewayError> {
        Ok(None)
    }
    async fn fetch_intent(&self, _: &str) -> Result<IntentStatus, GatewayError> {
        Err(GatewayError::Offline)
    }
    async fn refund(&self, _: &str, _: Fen, _: &str) -> Result<(), GatewayError> {
        Ok(())
    }
}

/// Stripe, through async-stripe.
pub struct Stripe {
    client: Result<stripe::Client, String>,
    currency: stripe_types::Currency,
}

/// How long one call to Stripe may take: the donor waits for the PaymentIntent.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

impl Stripe {
    /// A client for `base` (Stripe's `https://api.stripe.com`, or a stand-in) with `key`.
    /// A key or base that cannot be used is reported on each call as unreachable.
    pub fn new(key: &str, base: &str, currency: &str) -> Stripe {
        // async-stripe appends `v1/…` to the base as given: it must end with one slash.
        let base = format!("{}/", base.trim_end_matches('/'));
        let client = stripe::ClientBuilder::new(key)
            .url(base)
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| e.to_string());
        Stripe {
            client,
            currency: currency.parse().unwrap_or(stripe_types::Currency::CNY),
        }
    }

    fn client(&self) -> Result<&stripe::Client, GatewayError> {
        self.client
            .as_ref()
            .map_err(|e| GatewayError::Unreachable(e.clone()))
    }

    /// The same key makes a retried call a replay at Stripe, never a second payment.
    fn idempotent(key: &str) -> Result<RequestStrategy, GatewayError> {
        IdempotencyKey::new(key)
            .map(RequestStrategy::Idempotent)
            .map_err(|e| GatewayError::Refused(format!("idempotency key: {e}")))
    }
}

/// Stripe's refusals (4xx) are refusals; everything else — no answer, a server error, an
/// answer that is not the object asked for — means nothing is known to have happened.
fn gateway_error(e: StripeError) -> GatewayError {
    match e {
        StripeError::Stripe(err, status) if status < 500 => GatewayError::Refused(format!(
            "{status}: {}",
            err.message.as_deref().unwrap_or("error")
        )),
        StripeError::Stripe(_, status) => GatewayError::Unreachable(format!("{status}")),
        StripeError::ConfigError(m) => GatewayError::Refused(m),
        e => GatewayError::Unreachable(e.to_string()),
    }
}

#[async_trait::async_trait]
impl Gateway for Stripe {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Stripe
    }

    async fn create_intent(
        &self,
        reference: &str,
        amount: Fen,
    ) -> Result<Option<Intent>, GatewayError> {
        // No payment method types: the account's settings decide what Stripe.js offers.
        let pi = CreatePaymentIntent::new(amount.0, self.currency.clone())
            .metadata(HashMap::from([(
                "donation".to_string(),
                reference.to_string(),
            )]))
            .customize()
            .request_strategy(Stripe::idempotent(&format!("donation-{reference}"))?)
            .send(self.client()?)
            .await
            .map_err(gateway_error)?;
        match pi.client_secret {
            Some(secret) => Ok(Some(Intent {
                id: pi.id.to_string(),
                client_secret: secret,
            })),
            None => Err(GatewayError::Refused(
                "no client secret in the PaymentIntent".into(),
            )),
        }
    }

    async fn fetch_intent(&self, id: &str) -> Result<IntentStatus, GatewayError> {
        let pi = RetrievePaymentIntent::new(id)
            .expand(vec!["latest_charge".to_string()])
            .send(self.client()?)
            .await
            .map_err(gateway_error)?;
        Ok(intent_status(&pi))
    }

    async fn refund(&self, intent: &str, amount: Fen, key: &str) -> Result<(), GatewayError> {
        CreateRefund::new()
            .payment_intent(intent)
            .amount(amount.0)
            .customize()
            .request_strategy(Stripe::idempotent(key)?)
            .send(self.client()?)
            .await
            .map(|_| ())
            .map_err(gateway_error)
    }
}

/// What the ledger compares of a PaymentIntent: its status, the amount received and what
/// its latest charge (expanded) has had refunded.
pub fn intent_status(pi: &PaymentIntent) -> IntentStatus {
    let refunded = pi
        .latest_charge
        .as_ref()
        .and_then(|c| c.as_object())
        .map_or(0, |c| c.amount_refunded);
    let received = if pi.amount_received == 0 && pi.status == PaymentIntentStatus::Succeeded {
        pi.amount
    } else {
        pi.amount_received
    };
    IntentStatus {
        status: pi.status.as_str().to_string(),
        received: Fen(received),
        refunded: Fen(refunded),
    }
}

/// The gateway the settings select.
pub fn from_settings(s: &PaymentSettings) -> Box<dyn Gateway> {
    match (s.kind(), &s.stripe_secret_key) {
        (GatewayKind::Stripe, Some(key)) => Box::new(Stripe::new(key, &s.api_base, &s.currency)),
        _ => Box::new(Offline),
    }
}
