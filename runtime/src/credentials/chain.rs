//! [`CredentialsChain`]: the official SDKs' default credential chain, environment, then profile
//! file, then instance metadata.

use std::fmt;
use std::path::PathBuf;

use super::metadata::MetadataCredentials;
use super::profile::{profile_path, read_profile, ProfileOutcome};
use super::{Auth, AuthFuture, CredentialsError, ProvideAuth};

/// Where a [`CredentialsChain`] found its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialSource {
    /// The `HUAWEICLOUD_SDK_AK`/`_SK` (and `_SECURITY_TOKEN`) variables.
    Environment,
    /// The `[basic]` section of this profile file.
    Profile(PathBuf),
    /// The instance metadata service (temporary credentials, refreshed before they expire).
    Metadata,
}

/// The default credentials: the first complete source of
///
/// 1. the environment: `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`, with
///    `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary credentials;
/// 2. the profile file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, or `~/.huaweicloud/credentials`,
///    its `[basic]` section's `ak`, `sk`, `security_token` and `project_id`;
/// 3. the instance metadata service ([`MetadataCredentials`]).
///
/// The environment and the profile file are read once, when the chain is made; the metadata
/// service is asked only when neither is complete, at the first request. A profile file that
/// exists but is not INI stops the chain with an error naming the file and the line. When no
/// source is complete, the error lists each source and why it failed, never a secret value.
///
/// ```
/// use huaweicloud_sdk_runtime::{CredentialSource, CredentialsChain, MetadataCredentials};
///
/// let chain = CredentialsChain::from_lookup(|name| match name {
///     "HUAWEICLOUD_SDK_AK" => Some("AK".to_owned()),
///     "HUAWEICLOUD_SDK_SK" => Some("SK".to_owned()),
///     _ => None,
/// })
/// .metadata(MetadataCredentials::new().endpoint("http://127.0.0.1:8080"));
/// assert_eq!(chain.source(), Some(&CredentialSource::Environment));
/// // Given to a generated client's builder: `Client::builder().auth_provider(chain)`.
/// ```
pub struct CredentialsChain {
    found: Found,
    project_id: Option<String>,
    /// Each source that was not complete, and why.
    tried: Vec<String>,
    metadata: MetadataCredentials,
}

enum Found {
    Fixed(Auth, CredentialSource),
    Malformed(String),
    Metadata,
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found = match &self.found {
            Found::Fixed(auth, source) => format!("{source:?} ({})", auth.scheme()),
            Found::Malformed(_) => "a malformed profile file".to_owned(),
            Found::Metadata => format!("{:?}", CredentialSource::Metadata),
        };
        f.debug_struct("CredentialsChain")
            .field("found", &found)
            .field("project_id", &self.project_id)
            .field("tried", &self.tried)
            .field("metadata", &self.metadata)
            .finish()
    }
}

impl CredentialsChain {
    /// The chain over the process's environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The chain over another source of environment variables (`HOME` included, for the
    /// profile file's default path): for tests, or configuration kept elsewhere.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let lookup: &dyn Fn(&str) -> Option<String> = &lookup;
        let mut tried = Vec::new();
        let fixed = |auth, source| (Found::Fixed(auth, source), None);
        let (found, project_id) = match Auth::from_lookup(lookup) {
            Ok(auth) => fixed(auth, CredentialSource::Environment),
            Err(error) => {
                tried.push(format!("environment: {error}"));
                match profile_path(lookup) {
                    Err(reason) => {
                        tried.push(format!("profile file: {reason}"));
                        (Found::Metadata, None)
                    }
                    Ok(path) => match read_profile(&path) {
                        ProfileOutcome::Found(profile) => (
                            Found::Fixed(profile.auth, CredentialSource::Profile(path)),
                            profile.project_id,
                        ),
                        ProfileOutcome::Incomplete(reason) => {
                            tried.push(format!("profile file {}: {reason}", path.display()));
                            (Found::Metadata, None)
                        }
                        ProfileOutcome::Malformed(error) => {
                            (Found::Malformed(error.to_string()), None)
                        }
                    },
                }
            }
        };
        CredentialsChain {
            found,
            project_id,
            tried,
            metadata: MetadataCredentials::new(),
        }
    }

    /// Replaces the metadata source (its address, timeouts, refresh margin).
    pub fn metadata(mut self, metadata: MetadataCredentials) -> Self {
        self.metadata = metadata;
        self
    }

    /// Where the credentials come from; `None` when the profile file is malformed.
    pub fn source(&self) -> Option<&CredentialSource> {
        match &self.found {
            Found::Fixed(_, source) => Some(source),
            Found::Malformed(_) => None,
            Found::Metadata => Some(&CredentialSource::Metadata),
        }
    }

    /// The project ID of the profile file, when the credentials come from it.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// The error of a profile file that is not INI, naming the file and the line.
    pub fn malformed_profile(&self) -> Option<&str> {
        match &self.found {
            Found::Malformed(message) => Some(message),
            _ => None,
        }
    }

    /// The credentials: fixed ones from the environment or the profile file, else the metadata
    /// service's. The error of the metadata service lists every source tried.
    pub async fn credentials(&self) -> Result<Auth, CredentialsError> {
        match &self.found {
            Found::Fixed(auth, _) => Ok(auth.clone()),
            Found::Malformed(message) => Err(CredentialsError::new(message.clone())),
            Found::Metadata => self.metadata.credentials().await.map_err(|error| {
                let mut message = String::from("no credentials found; tried, in order:");
                for reason in &self.tried {
                    message.push_str("\n  ");
                    message.push_str(reason);
                }
                message.push_str(&format!(
                    "\n  metadata service {}: {error}",
                    self.metadata.endpoint_url()
                ));
                CredentialsError::with_source(message, error)
            }),
        }
    }
}

impl ProvideAuth for CredentialsChain {
    fn provide_auth(&self) -> AuthFuture<'_> {
        Box::pin(self.credentials())
    }
}
