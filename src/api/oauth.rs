//! OAuth2 client-credentials tokens, cached and refreshed before expiry.

use super::http::{Body, HttpClient, Request};
use super::{ApiError, ErrorKind};
use crate::secret::Secret;
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// The longest a token is trusted, whatever `expires_in` says.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(86_400);

/// A token and when to stop using it.
#[derive(Default)]
pub struct TokenCache {
    slot: Mutex<Option<(Secret, Instant)>>,
}

impl TokenCache {
    /// A valid token: the cached one, or a fresh one from `fetch`.
    /// Refreshes when less than a tenth of the lifetime (at least 30 s) is left.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Secret, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(Secret, Duration), ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some((tok, until)) = slot.as_ref() {
            if Instant::now() < *until {
                return Ok(tok.clone());
            }
        }
        let (tok, lifetime) = fetch().await?;
        // The lifetime is the server's word (`expires_in`): a day at most,
        // so that no number it sends can overflow the clock.
        let lifetime = lifetime.min(MAX_TOKEN_LIFETIME);
        let margin = (lifetime / 10)
            .max(Duration::from_secs(30))
            .min(lifetime / 2);
        *slot = Some((tok.clone(), Instant::now() + lifetime - margin));
        Ok(tok)
    }

    pub async fn invalidate(&self) {
        *self.slot.lock().await = None;
    }

    /// Forgets `refused` if it is still the cached token. Pages fetched at
    /// once that are all refused the same expired token then cause one
    /// fresh login, not one each (the later ones find the fresh token).
    pub async fn invalidate_if(&self, refused: &Secret) {
        let mut slot = self.slot.lock().await;
        if slot
            .as_ref()
            .is_some_and(|(tok, _)| tok.expose() == refused.expose())
        {
            *slot = None;
        }
    }
}

/// Posts a client-credentials grant to `token_url` (form-encoded).
pub async fn client_credentials(
    http: &HttpClient,
    token_url: &str,
    client_id: &str,
    client_secret: &Secret,
    scope: &str,
) -> Result<(Secret, Duration), ApiError> {
    let mut form = vec![
        ("grant_type".to_string(), "client_credentials".to_string()),
        ("client_id".to_string(), client_id.to_string()),
        (
            "client_secret".to_string(),
            client_secret.expose().to_string(),
        ),
    ];
    if !scope.is_empty() {
        form.push(("scope".into(), scope.into()));
    }
    let mut req = Request::post(token_url, Body::Form(form));
    req.idempotent = true; // a token grant has no side effect
    let endpoint = format!("POST {}", token_url.split('?').next().unwrap_or(token_url));
    let resp = http.send(&req).await?;
    if !resp.status.is_success() {
        let mut e = http.status_error(&endpoint, &resp);
        if resp.status.as_u16() == 400 || resp.status.as_u16() == 401 {
            e.kind = ErrorKind::Auth(format!(
                "token request refused with HTTP {}",
                resp.status.as_u16()
            ));
        }
        return Err(e);
    }
    let t: TokenResponse = http.decode(&endpoint, &resp)?;
    if t.access_token.is_empty() {
        return Err(http.error(&endpoint, ErrorKind::Decode("empty access_token".into())));
    }
    Ok((
        Secret::new(t.access_token),
        Duration::from_secs(t.expires_in.unwrap_or(3600).max(1)),
    ))
}

/// Sends `req` with a bearer token from `token`; a 401 drops the cached
/// token and tries once more with a fresh one, then fails.
pub async fn send_with_token<F, Fut>(
    http: &HttpClient,
    tokens: &TokenCache,
    req: &Request,
    token: F,
) -> Result<super::http::Response, ApiError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Secret, ApiError>>,
{
    let mut fresh = false;
    loop {
        let t = token().await?;
        let resp = http.send(&req.clone().bearer(t.expose())).await?;
        if resp.status == reqwest::StatusCode::UNAUTHORIZED && !fresh {
            tokens.invalidate_if(&t).await;
            fresh = true;
            continue;
        }
        if !resp.status.is_success() {
            return Err(http.status_error(&req.endpoint(), &resp));
        }
        return Ok(resp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `expires_in: 18446744073709551615` panicked ("overflow when adding
    /// duration to instant"); it is now a day.
    #[tokio::test]
    async fn a_huge_expires_in_is_capped_not_a_panic() {
        let cache = TokenCache::default();
        let tok = cache
            .get(|| async {
                Ok::<_, ApiError>((Secret::new("t".to_string()), Duration::from_secs(u64::MAX)))
            })
            .await
            .unwrap();
        assert_eq!(tok.expose(), "t");
        let again = cache
            .get(|| async {
                Ok::<_, ApiError>((Secret::new("other".to_string()), Duration::from_secs(1)))
            })
            .await
            .unwrap();
        assert_eq!(again.expose(), "t", "still cached");
    }
}
