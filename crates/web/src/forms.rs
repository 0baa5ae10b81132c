//! Forms that keep their input: a post the use case refuses for something the visitor can fix
//! re-renders the same form with what they typed, the message beside the field it concerns,
//! and status 422. Errors that are not the form's (a missing page, a rate limit, our own
//! failure) still answer as error pages.

use axum::http::StatusCode;
use stackdex_app::AppError;
use stackdex_app::views::Suggestion;

use crate::respond::Error;

/// The status of a form shown again with what to fix.
pub(crate) const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// What a form shows beside its fields; empty on a fresh form.
#[derive(Debug, Default)]
pub(crate) struct FormErrors {
    /// The field the message concerns (`""` for the form as a whole).
    field: &'static str,
    message: String,
    /// Names that were probably meant (unknown tools).
    pub suggestions: Vec<Suggestion>,
    /// A way out: `(href, text)`, such as editing the stack that exists already.
    pub remedy: Option<(String, String)>,
}

impl FormErrors {
    /// The form's errors for a use case's refusal: a value the visitor gave (`Invalid`), a name
    /// taken (`Conflict`, about `conflict_field`), names not found (`NotFound`, about
    /// `missing_field`, with suggestions), or not allowed (`Forbidden`, about `forbidden_field`).
    /// Anything else is no mistake of the form's, and comes back as the error to answer.
    pub(crate) fn from(
        err: AppError,
        conflict_field: &'static str,
        missing_field: &'static str,
        forbidden_field: &'static str,
    ) -> Result<FormErrors, Error> {
        Ok(match err {
            AppError::Invalid { field, message } => FormErrors { field, message, ..FormErrors::default() },
            AppError::BadRequest(message) => FormErrors { message, ..FormErrors::default() },
            AppError::Conflict(message) => FormErrors { field: conflict_field, message, ..FormErrors::default() },
            AppError::NotFound { what, suggestions } if !missing_field.is_empty() => FormErrors {
                field: missing_field,
                message: format!("We could not find {what}."),
                suggestions,
                remedy: None,
            },
            AppError::Forbidden(message) if !forbidden_field.is_empty() => {
                FormErrors { field: forbidden_field, message, ..FormErrors::default() }
            }
            other => return Err(Error(other)),
        })
    }

    /// A message about the form as a whole (wrong password, ...).
    pub(crate) fn general(message: impl Into<String>) -> FormErrors {
        FormErrors { message: message.into(), ..FormErrors::default() }
    }

    /// With a way out.
    pub(crate) fn with_remedy(mut self, href: String, text: &str) -> FormErrors {
        self.remedy = Some((href, text.to_owned()));
        self
    }

    /// The message about `field`, if any.
    pub fn on(&self, field: &str) -> Option<&str> {
        (!self.message.is_empty() && self.field == field).then_some(self.message.as_str())
    }

    /// The message about no field in particular, if any.
    pub fn general_message(&self) -> Option<&str> {
        self.on("")
    }

    /// No message at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.message.is_empty()
    }

    /// The field a message concerns.
    pub(crate) fn field(&self) -> &'static str {
        self.field
    }
}
