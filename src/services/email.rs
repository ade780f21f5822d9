//! Email over SMTP (lettre): plain, STARTTLS or TLS, with authentication.

use super::notify::{Letter, Mailer, Outcome, Thread};
use super::{Error, Result};
use crate::config::{SmtpSecurity, SmtpSettings};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use std::time::Duration;

pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// `host:port`, for messages.
    server: String,
}

impl SmtpMailer {
    /// The mailer the settings describe; `None` when email is off.
    pub fn from_settings(s: &SmtpSettings) -> Result<Option<SmtpMailer>> {
        if !s.enabled {
            return Ok(None);
        }
        let host = s.host.as_deref().ok_or_else(|| Error::Invalid("HELPDESK_SMTP_HOST is not set".into()))?;
        let from: Mailbox = s
            .from
            .as_deref()
            .ok_or_else(|| Error::Invalid("HELPDESK_SMTP_FROM is not set".into()))?
            .parse()
            .map_err(|e| Error::Invalid(format!("HELPDESK_SMTP_FROM: {e}")))?;
        let builder = match s.security {
            SmtpSecurity::Tls => SmtpTransport::relay(host),
            SmtpSecurity::StartTls => SmtpTransport::starttls_relay(host),
            SmtpSecurity::Plain => Ok(SmtpTransport::builder_dangerous(host)),
        }
        .map_err(|e| Error::Invalid(format!("SMTP server {host}: {e}")))?;
        let port = s.port.unwrap_or(match s.security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plain => 25,
        });
        let mut builder = builder.port(port).timeout(Some(Duration::from_secs(30)));
        if let Some(user) = &s.username {
            let password = s.password.as_ref().map(|p| p.expose().to_string()).unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Some(SmtpMailer { transport: builder.build(), from, server: format!("{host}:{port}") }))
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, to: &[String], letter: &Letter) -> Outcome {
        let mut message = Message::builder().from(self.from.clone()).subject(letter.subject.clone());
        // Every letter has a Message-ID on the sender's domain (RFC 5322;
        // mail providers expect one of a sender); later letters about a
        // request answer the first.
        let domain = self.from.email.domain();
        let unique = match super::web::random_token() {
            Ok(t) => t[..24].to_string(),
            Err(e) => return Outcome::Temporary(e.to_string()),
        };
        message = match &letter.thread {
            Thread::Alone => message.message_id(Some(format!("<{unique}@{domain}>"))),
            Thread::Starts(key) => message.message_id(Some(format!("<{key}@{domain}>"))),
            Thread::Follows(key) => {
                let first = format!("<{key}@{domain}>");
                message
                    .message_id(Some(format!("<{key}.{unique}@{domain}>")))
                    .in_reply_to(first.clone())
                    .references(first)
            }
        };
        for address in to {
            match address.parse::<Mailbox>() {
                Ok(m) => message = message.to(m),
                Err(e) => return Outcome::Permanent(format!("'{address}' is not an email address: {e}")),
            }
        }
        let message =
            match message.multipart(MultiPart::alternative_plain_html(letter.text.clone(), letter.html.clone())) {
                Ok(m) => m,
                Err(e) => return Outcome::Permanent(format!("cannot build the email: {e}")),
            };
        match self.transport.send(&message) {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => {
                Outcome::Permanent(format!("the SMTP server {} refused the email: {e}", self.server))
            }
            Err(e) => Outcome::Temporary(format!("sending through the SMTP server {} failed: {e}", self.server)),
        }
    }
}

/// Escapes text for HTML email.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
