//! E-mail out: the settings (`CIVICBRIDGE_SMTP_URL`, `CIVICBRIDGE_MAIL_FROM`), one
//! [`Transport`] trait with the SMTP transport (`lettre`, rustls) and an in-memory one for
//! tests, and the process-wide switch that tells writers whether to queue mail at all.
//!
//! Nothing here is called inside a database transaction: rooms queue mail as rows in their
//! writing transaction (`inbox`), and the mail job hands the rows to a transport afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where mail goes and whom it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, upgraded with STARTTLS when the URL says `?tls=required`),
    /// `smtps://user:pass@host:465` (TLS from the start); lettre's URL form.
    pub url: String,
    /// The sender's address, e.g. `CivicBridge <noreply@example.org>`.
    pub from: String,
}

impl MailSettings {
    /// Reads the settings from variables: none when `CIVICBRIDGE_SMTP_URL` is unset or
    /// empty (mail is off); an error for a URL of another scheme or a sender that is no
    /// address. The sender defaults to `noreply@localhost`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<MailSettings>, String> {
        let Some(url) = var("CIVICBRIDGE_SMTP_URL")
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err("CIVICBRIDGE_SMTP_URL must start with smtp:// or smtps://".into());
        }
        let from = var("CIVICBRIDGE_MAIL_FROM")
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| "CivicBridge <noreply@localhost>".to_string());
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "CIVICBRIDGE_MAIL_FROM is not an e-mail address (got {from:?})"
            ));
        }
        Ok(Some(MailSettings { url, from }))
    }
}

/// One message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The recipient's address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// A stable id (the queue row's), so a receiver can tell a repeat from a new message.
    pub message_id: String,
}

/// Something that delivers messages.
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    /// Sends one message; the error is kept on the queue row for operators.
    async fn send(&self, from: &str, m: &Outgoing) -> Result<(), String>;
}

/// SMTP through `lettre` (tokio, rustls with ring).
pub struct Smtp {
    inner: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
}

impl Smtp {
    /// The transport the settings' URL names (nothing is connected yet).
    pub fn new(settings: &MailSettings) -> Result<Smtp, String> {
        let inner = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| e.to_string())?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Smtp { inner })
    }
}

/// Builds the RFC 5322 message: UTF-8 plain text, the subject encoded as needed.
pub fn build_message(from: &str, m: &Outgoing) -> Result<lettre::Message, String> {
    use lettre::message::header::ContentType;
    lettre::Message::builder()
        .from(from.parse().map_err(|e| format!("from: {e}"))?)
        .to(m.to.parse().map_err(|e| format!("to: {e}"))?)
        .subject(m.subject.clone())
        .message_id(Some(m.message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| e.to_string())
}

#[async_trait::async_trait]
impl Transport for Smtp {
    async fn send(&self, from: &str, m: &Outgoing) -> Result<(), String> {
        use lettre::AsyncTransport;
        let message = build_message(from, m)?;
        self.inner
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Keeps what it is given (tests); fails the next `fail` sends first.
#[derive(Clone, Default)]
pub struct Memory {
    /// Messages sent, in order.
    pub sent: Arc<Mutex<Vec<Outgoing>>>,
    /// How many sends fail before they start to succeed.
    pub fail: Arc<Mutex<u32>>,
}

impl Memory {
    /// What was sent so far.
    pub fn sent(&self) -> Vec<Outgoing> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl Transport for Memory {
    async fn send(&self, from: &str, m: &Outgoing) -> Result<(), String> {
        build_message(from, m)?;
        {
            let mut fail = self.fail.lock().map_err(|e| e.to_string())?;
            if *fail > 0 {
                *fail -= 1;
                return Err("421 service not available (test)".into());
            }
        }
        self.sent.lock().map_err(|e| e.to_string())?.push(m.clone());
        Ok(())
    }
}

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns mail on for this process (start-up, when settings exist). Never turned off again:
/// writers read it without a lock.
pub fn switch_on() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether writers queue mail (off: no rows are written, the inbox alone tells users).
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn settings_are_off_unless_a_url_is_given() {
        assert_eq!(MailSettings::from_vars(vars(&[])), Ok(None));
        assert_eq!(
            MailSettings::from_vars(vars(&[("CIVICBRIDGE_SMTP_URL", "  ")])),
            Ok(None)
        );
        let s = MailSettings::from_vars(vars(&[("CIVICBRIDGE_SMTP_URL", "smtp://127.0.0.1:1025")]))
            .unwrap()
            .unwrap();
        assert_eq!(s.url, "smtp://127.0.0.1:1025");
        assert!(s.from.contains("noreply@localhost"));
        let s = MailSettings::from_vars(vars(&[
            ("CIVICBRIDGE_SMTP_URL", "smtps://u:p@mail.example.org"),
            ("CIVICBRIDGE_MAIL_FROM", "平台 <noreply@example.org>"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(s.from, "平台 <noreply@example.org>");
        assert!(Smtp::new(&s).is_ok());
        for bad in ["http://x", "mail.example.org:25"] {
            assert!(MailSettings::from_vars(vars(&[("CIVICBRIDGE_SMTP_URL", bad)])).is_err());
        }
        assert!(
            MailSettings::from_vars(vars(&[
                ("CIVICBRIDGE_SMTP_URL", "smtp://127.0.0.1:1025"),
                ("CIVICBRIDGE_MAIL_FROM", "not an address"),
            ]))
            .is_err()
        );
    }

    #[test]
    fn messages_carry_utf8_subjects_and_bodies() {
        let m = Outgoing {
            to: "li@example.org".into(),
            subject: "重设密码".into(),
            body: "请打开链接：/password/reset/abc".into(),
            message_id: "<mail-1@civicbridge>".into(),
        };
        let raw = String::from_utf8(
            build_message("noreply@example.org", &m)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains("To: li@example.org"), "{raw}");
        assert!(raw.contains("Message-ID: <mail-1@civicbridge>"), "{raw}");
        assert!(raw.contains("charset=utf-8"), "{raw}");
        let bad = Outgoing {
            to: "no address".into(),
            ..m
        };
        assert!(build_message("noreply@example.org", &bad).is_err());
    }
}
