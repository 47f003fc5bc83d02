//! How donations are paid: one [`Gateway`] trait, chosen by configuration.
//! [`Offline`] (the embedded default) creates nothing remotely: the donor transfers to the
//! collecting foundation's bank account with the donation's reference, and the foundation
//! confirms the arrival. [`Stripe`] (when `STRIPE_SECRET_KEY` is set) creates a
//! PaymentIntent server-side with an idempotency key per donation; what happens to it is
//! learned only from verified webhooks.
//!
//! The Stripe client is a few form-encoded calls over `reqwest` (already built here for
//! Meilisearch) instead of async-stripe: its types crate costs minutes of build on this
//! machine and requires fields localstripe omits, which would need a compatibility layer
//! for tests; the three endpoints used here are stable and small.

use std::time::Duration;

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

/// Stripe's REST API.
pub struct Stripe {
    key: String,
    base: String,
    currency: String,
    http: reqwest::Client,
}

impl Stripe {
    /// A client for `base` with `key`.
    pub fn new(key: &str, base: &str, currency: &str) -> Stripe {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Stripe {
            key: key.to_string(),
            base: base.trim_end_matches('/').to_string(),
            currency: currency.to_string(),
            http,
        }
    }

    async fn call(
        &self,
        req: reqwest::RequestBuilder,
        idempotency: Option<&str>,
    ) -> Result<serde_json::Value, GatewayError> {
        let mut req = req.bearer_auth(&self.key);
        if let Some(k) = idempotency {
            req = req.header("Idempotency-Key", k);
        }
        let res = req
            .send()
            .await
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        let status = res.status();
        let body = res
            .text()
            .await
            .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
        if status.is_server_error() {
            return Err(GatewayError::Unreachable(format!("{status}")));
        }
        let v: serde_json::Value = serde_json::from_str(&body)
            .map_err(|_| GatewayError::Unreachable(format!("{status}: not JSON")))?;
        if !status.is_success() {
            let msg = v
                .pointer("/error/message")
                .and_then(|m| m.as_str())
                .unwrap_or("error");
            return Err(GatewayError::Refused(format!("{status}: {msg}")));
        }
        Ok(v)
    }

    fn form(pairs: &[(&str, String)]) -> String {
        serde_urlencoded::to_string(pairs).unwrap_or_default()
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
        let body = Stripe::form(&[
            ("amount", amount.0.to_string()),
            ("currency", self.currency.clone()),
            ("payment_method_types[]", "card".into()),
            ("metadata[donation]", reference.to_string()),
        ]);
        let req = self
            .http
            .post(format!("{}/v1/payment_intents", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        let v = self
            .call(req, Some(&format!("donation-{reference}")))
            .await?;
        let id = v.get("id").and_then(|x| x.as_str());
        let secret = v.get("client_secret").and_then(|x| x.as_str());
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(Some(Intent {
                id: id.to_string(),
                client_secret: secret.to_string(),
            })),
            _ => Err(GatewayError::Refused(
                "no PaymentIntent in the answer".into(),
            )),
        }
    }

    async fn fetch_intent(&self, id: &str) -> Result<IntentStatus, GatewayError> {
        let req = self
            .http
            .get(format!("{}/v1/payment_intents/{id}", self.base));
        let v = self.call(req, None).await?;
        Ok(intent_status(&v))
    }

    async fn refund(&self, intent: &str, amount: Fen, key: &str) -> Result<(), GatewayError> {
        let body = Stripe::form(&[
            ("payment_intent", intent.to_string()),
            ("amount", amount.0.to_string()),
        ]);
        let req = self
            .http
            .post(format!("{}/v1/refunds", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        self.call(req, Some(key)).await.map(|_| ())
    }
}

/// Reads a PaymentIntent object (its charges, where listed, give the refunded amount).
pub fn intent_status(v: &serde_json::Value) -> IntentStatus {
    let status = v
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or("")
        .to_string();
    let received =
        v.get("amount_received")
            .and_then(|a| a.as_i64())
            .unwrap_or(if status == "succeeded" {
                v.get("amount").and_then(|a| a.as_i64()).unwrap_or(0)
            } else {
                0
            });
    let refunded = v
        .pointer("/charges/data")
        .and_then(|d| d.as_array())
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.get("amount_refunded").and_then(|a| a.as_i64()))
                .sum()
        })
        .unwrap_or(0);
    IntentStatus {
        status,
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
