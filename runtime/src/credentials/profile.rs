//! The profile file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, or `~/.huaweicloud/credentials`, an INI
//! file with a section per credential type, as the official SDKs read it:
//!
//! ```ini
//! [basic]
//! ak = …
//! sk = …
//! security_token = …   ; temporary credentials only
//! project_id = …
//! ```
//!
//! Only the `basic` section (project-scoped credentials) is read: the `global` section is for
//! domain-scoped services. Without the cargo feature `profile-file` the file is not read, and
//! the chain says so.

use std::path::{Path, PathBuf};

#[cfg(feature = "profile-file")]
use ini::{Ini, ParseOption};

use super::{Auth, CredentialsError};
#[cfg(feature = "profile-file")]
use crate::signing::Credentials;

/// Environment variable of the profile file's path, as the official SDKs name it. Without it,
/// the file is `~/.huaweicloud/credentials`.
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// The folder and file name under the home directory.
const DEFAULT_DIR: &str = ".huaweicloud";
const DEFAULT_FILE: &str = "credentials";

#[cfg(feature = "profile-file")]
/// The section of project-scoped credentials.
const SECTION: &str = "basic";

#[cfg(feature = "profile-file")]
const KEY_ACCESS_KEY: &str = "ak";
#[cfg(feature = "profile-file")]
const KEY_SECRET_KEY: &str = "sk";
#[cfg(feature = "profile-file")]
const KEY_SECURITY_TOKEN: &str = "security_token";
#[cfg(feature = "profile-file")]
const KEY_PROJECT_ID: &str = "project_id";
/// Keys of federated identities, which need an IAM token exchange this client does not do.
#[cfg(feature = "profile-file")]
const KEY_IDP_ID: &str = "idp_id";
#[cfg(feature = "profile-file")]
const KEY_ID_TOKEN_FILE: &str = "id_token_file";

/// Complete credentials read from a profile file.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub(crate) auth: Auth,
    pub(crate) project_id: Option<String>,
}

/// What reading the profile file gave.
#[derive(Debug)]
#[cfg_attr(not(feature = "profile-file"), allow(dead_code))]
pub(crate) enum ProfileOutcome {
    /// Complete credentials.
    Found(Profile),
    /// No usable credentials, for a reason that lets the chain go on (no file, no section,
    /// an incomplete section): the reason, without any value.
    Incomplete(String),
    /// The file exists but is not INI: an error naming the file and the line, which stops the
    /// chain (a broken file the user wrote should not silently give way to another identity).
    Malformed(CredentialsError),
}

/// The profile file's path: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else the home directory's
/// `.huaweicloud/credentials` (the home directory from `HOME`, or `USERPROFILE` on Windows).
pub(crate) fn profile_path(lookup: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    if let Some(path) = get(ENV_CREDENTIALS_FILE) {
        return Ok(PathBuf::from(path.trim()));
    }
    let home = get("HOME").or_else(|| get("USERPROFILE")).ok_or_else(|| {
        format!("no home directory: neither {ENV_CREDENTIALS_FILE} nor HOME is set")
    })?;
    Ok(Path::new(&home).join(DEFAULT_DIR).join(DEFAULT_FILE))
}

/// Without the feature, the file is not read.
#[cfg(not(feature = "profile-file"))]
pub(crate) fn read_profile(_path: &Path) -> ProfileOutcome {
    ProfileOutcome::Incomplete("not read: this build lacks the cargo feature `profile-file`".into())
}

/// Reads the `[basic]` credentials of the profile file at `path`.
#[cfg(feature = "profile-file")]
pub(crate) fn read_profile(path: &Path) -> ProfileOutcome {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return ProfileOutcome::Incomplete("no such file".to_owned())
        }
        Err(error) => return ProfileOutcome::Incomplete(format!("cannot read it: {error}")),
    };
    // Values are taken literally: a backslash in a key is a backslash.
    let options = ParseOption {
        enabled_escape: false,
        ..ParseOption::default()
    };
    let ini = match Ini::load_from_str_opt(&text, options) {
        Ok(ini) => ini,
        Err(error) => {
            // The parser finds an unclosed line once past its line break, at column 1 of the
            // next line: the line at fault is the one before.
            let line = match (error.line, error.col) {
                (line, 1) if line > 1 => line - 1,
                (line, _) => line,
            };
            // The parser's message names what it expected, never the text it read.
            return ProfileOutcome::Malformed(CredentialsError::new(format!(
                "the profile file {} is not INI: line {line}: {}",
                path.display(),
                error.msg
            )));
        }
    };
    if let Some(line) = line_without_separator(&ini, &text) {
        return ProfileOutcome::Malformed(CredentialsError::new(format!(
            "the profile file {} is not INI: line {line}: neither `=` nor `:` in it",
            path.display()
        )));
    }
    credentials_of(&ini)
}

/// The line of a key that runs over a line break. The parser reads a key up to the next `=` or
/// `:`, wherever that is, so a line without either becomes the start of the next key instead of
/// an error: this finds it.
#[cfg(feature = "profile-file")]
fn line_without_separator(ini: &Ini, text: &str) -> Option<usize> {
    let key = ini
        .iter()
        .flat_map(|(_, properties)| properties.iter())
        .map(|(key, _)| key)
        .find(|key| key.contains(['\n', '\r']))?;
    let first = key.lines().next().unwrap_or_default().trim();
    text.lines()
        .position(|line| line.trim() == first)
        .map(|index| index + 1)
}

#[cfg(feature = "profile-file")]
fn credentials_of(ini: &Ini) -> ProfileOutcome {
    let Some(section) = ini.section(Some(SECTION)) else {
        return ProfileOutcome::Incomplete(format!("no [{SECTION}] section"));
    };
    let get = |key: &str| {
        section
            .get(key)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    let credentials = match (get(KEY_ACCESS_KEY), get(KEY_SECRET_KEY)) {
        (Some(ak), Some(sk)) => Credentials::new(ak, sk),
        (None, None) if get(KEY_IDP_ID).is_some() && get(KEY_ID_TOKEN_FILE).is_some() => {
            return ProfileOutcome::Incomplete(format!(
                "[{SECTION}] has {KEY_IDP_ID} and {KEY_ID_TOKEN_FILE} (a federated identity), \
                 which this client does not exchange for credentials"
            ))
        }
        (None, None) => {
            return ProfileOutcome::Incomplete(format!(
                "[{SECTION}] has neither {KEY_ACCESS_KEY} nor {KEY_SECRET_KEY}"
            ))
        }
        (Some(_), None) => {
            return ProfileOutcome::Incomplete(format!(
                "[{SECTION}] has {KEY_ACCESS_KEY} but no {KEY_SECRET_KEY}"
            ))
        }
        (None, Some(_)) => {
            return ProfileOutcome::Incomplete(format!(
                "[{SECTION}] has {KEY_SECRET_KEY} but no {KEY_ACCESS_KEY}"
            ))
        }
    };
    let credentials = match get(KEY_SECURITY_TOKEN) {
        Some(token) => credentials.with_security_token(token),
        None => credentials,
    };
    ProfileOutcome::Found(Profile {
        auth: Auth::AkSk(credentials),
        project_id: get(KEY_PROJECT_ID).map(str::to_owned),
    })
}

#[cfg(all(test, feature = "profile-file"))]
pub(crate) mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A file of its own in the temporary folder with `text`; removed on drop.
    pub(crate) struct TempFile(pub(crate) PathBuf);

    impl TempFile {
        pub(crate) fn with(text: &str) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "hwc-profile-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            );
            let path = std::env::temp_dir().join(name);
            std::fs::write(&path, text).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// The official SDK's own test profile, trailing blanks included.
    const OFFICIAL_EXAMPLE: &str = "
[basic]
ak = MockAk
sk = MockSk
project_id = MockProjectId
security_token = MockSecurityToken
iam_endpoint = MockIamEndpoint    

[global]                          
ak = MockAk
sk = MockSk
idp_id = MockIdpId
id_token_file = MockIdTokenFile
domain_id = MockDomainId
security_token = MockSecurityToken
iam_endpoint = MockIamEndpoint

[error]
ak = ak
sk = sk
";

    fn found(outcome: ProfileOutcome) -> Profile {
        match outcome {
            ProfileOutcome::Found(profile) => profile,
            other => panic!("expected credentials, got {other:?}"),
        }
    }

    fn incomplete(outcome: ProfileOutcome) -> String {
        match outcome {
            ProfileOutcome::Incomplete(reason) => reason,
            other => panic!("expected an incomplete profile, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_basic_section_of_the_official_format() {
        let file = TempFile::with(OFFICIAL_EXAMPLE);
        let profile = found(read_profile(&file.0));
        let Auth::AkSk(credentials) = &profile.auth else {
            panic!("{:?}", profile.auth);
        };
        assert_eq!(credentials.access_key(), "MockAk");
        assert!(credentials.has_security_token());
        assert_eq!(profile.project_id.as_deref(), Some("MockProjectId"));
    }

    #[test]
    fn permanent_keys_without_project_or_token() {
        let file = TempFile::with("[basic]\nak=AK2 ; the old key\nsk=\"SK2\"\n");
        let profile = found(read_profile(&file.0));
        let Auth::AkSk(credentials) = &profile.auth else {
            panic!("{:?}", profile.auth);
        };
        assert_eq!(credentials.access_key(), "AK2");
        assert!(!credentials.has_security_token());
        assert_eq!(profile.project_id, None);
    }

    #[test]
    fn an_incomplete_profile_says_why_without_a_value() {
        let cases = [
            ("[global]\nak=a\nsk=SECRET-1\n", "no [basic] section"),
            ("[basic]\nsk=SECRET-1\n", "has sk but no ak"),
            ("[basic]\nak=a\nsk=\n", "has ak but no sk"),
            ("[basic]\nproject_id=p\n", "neither ak nor sk"),
            (
                "[basic]\nidp_id=i\nid_token_file=/t\n",
                "federated identity",
            ),
        ];
        for (text, expected) in cases {
            let file = TempFile::with(text);
            let reason = incomplete(read_profile(&file.0));
            assert!(reason.contains(expected), "{text:?}: {reason}");
            assert!(!reason.contains("SECRET"), "{reason}");
        }
        let missing = std::env::temp_dir().join("hwc-profile-that-does-not-exist");
        assert_eq!(incomplete(read_profile(&missing)), "no such file");
    }

    #[test]
    fn a_malformed_profile_names_the_file_and_the_line() {
        let cases = [
            (
                "[basic]\nak = AK\nsk = SECRET-VALUE\n[unclosed\nak = B\n",
                "line 4",
            ),
            (
                "[basic]\nak = AK\nsk SECRET-VALUE\nproject_id = p\n",
                "line 3",
            ),
            ("[basic]\nak = AK\nsk = \"SECRET-VALUE\n", "line 3"),
            ("[basic]\nak = AK\n= SECRET-VALUE\n", "line 3"),
        ];
        for (text, line) in cases {
            let file = TempFile::with(text);
            let ProfileOutcome::Malformed(error) = read_profile(&file.0) else {
                panic!("a malformed file was accepted: {text:?}");
            };
            let message = error.to_string();
            assert!(message.contains(&file.0.display().to_string()), "{message}");
            assert!(message.contains(line), "{text:?}: {message}");
            assert!(!message.contains("SECRET"), "{message}");
        }
    }

    #[test]
    fn the_path_comes_from_the_variable_or_the_home_directory() {
        let lookup = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let vars = &[(ENV_CREDENTIALS_FILE, "/etc/hw/creds"), ("HOME", "/home/u")];
        assert_eq!(
            profile_path(&lookup(vars)).unwrap(),
            PathBuf::from("/etc/hw/creds")
        );
        assert_eq!(
            profile_path(&lookup(&[("HOME", "/home/u")])).unwrap(),
            Path::new("/home/u")
                .join(".huaweicloud")
                .join("credentials")
        );
        let error = profile_path(&lookup(&[])).unwrap_err();
        assert!(error.contains("HOME"), "{error}");
    }
}
