//! AK/SK request signing with `SDK-HMAC-SHA256`, the scheme Huawei Cloud API Gateway checks
//! when a client authenticates with an access key (AK) and a secret key (SK).
//!
//! # Algorithm
//!
//! ```text
//! CanonicalRequest = METHOD "\n" CanonicalURI "\n" CanonicalQueryString "\n"
//!                    CanonicalHeaders "\n" SignedHeaders "\n" PayloadHash
//! StringToSign     = "SDK-HMAC-SHA256" "\n" X-Sdk-Date "\n" hex(SHA-256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(key = SK, StringToSign))
//! Authorization    = "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=" SignedHeaders
//!                    ", Signature=" Signature
//! ```
//!
//! The SK is the HMAC key as is: unlike AWS `SigV4` there is no date, region or service key
//! derivation. The signer adds `X-Sdk-Date` and `Host` when the caller has not, and sends the
//! query string in its canonical form, so the server sees exactly what was signed.
//!
//! # Compatibility with the official SDK
//!
//! The server recomputes the canonical request from what it receives, so a signer is correct
//! when it canonicalises exactly like the official SDKs do. This module follows the signer of the
//! official Python SDK (`huaweicloudsdkcore` 3.1.219, `signer.Signer`) step by step, including
//! behaviour that differs from AWS `SigV4` and that an independent implementation would otherwise
//! get wrong:
//!
//! * **Query pairs are sorted before encoding**, on the raw key and then the raw value, by code
//!   point (`a.b` < `a/b` < `~k` < `é`, although `a%2Fb` and `%C3%A9` would sort first once
//!   encoded). Integer values of one key sort numerically (`k=9&k=10`), which is why
//!   [`QueryValue`] keeps integers and booleans typed instead of as text.
//! * Keys and values are encoded like Python's `quote(s, safe='~')`: only `A-Z a-z 0-9 - . _ ~`
//!   stay literal, a space is `%20`, hex digits are upper case.
//! * **The canonical URI always ends in `/`** (`/v3/p/servers` signs as `/v3/p/servers/`); the path
//!   on the wire keeps its own form.
//! * The path is percent-**decoded** and re-encoded segment by segment, so an encoded slash in a
//!   path parameter (`/a%2Fb`) signs as a separator (`/a/b/`).
//! * `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is added when the header named exactly
//!   `Content-Type` (case-sensitive) is present and does not start with `application/json` or
//!   `application/bson`; then the literal `UNSIGNED-PAYLOAD` replaces the body hash.
//! * An empty body always hashes as the SHA-256 of the empty string, whatever the headers say.
//! * Every header whose name has no `_` is signed, lower-cased and sorted by byte; names with
//!   `_` are sent but not signed. Values are trimmed (Python's `str.strip()`), inner whitespace is
//!   kept.
//! * Headers behave like the SDK's `dict`: a later header with exactly the same name replaces
//!   the earlier value in place, while names that differ only in case are distinct entries. Such
//!   case variants appear twice in `SignedHeaders` and both canonical lines carry the value of
//!   the last one. The server is unlikely to accept that, so do not send them.
//!
//! # Example
//!
//! ```
//! use huaweicloud_sdk_runtime::signing::{sign, Credentials, QueryValue, SdkDate, SignableRequest};
//!
//! let credentials = Credentials::new("HPUAEXAMPLEAK0000001", "example-secret-key");
//! let query = [("limit", QueryValue::Int(10)), ("name", QueryValue::from("my server"))];
//! let headers = [("Content-Type", "application/json"), ("X-Project-Id", "0a1b2c3d")];
//! let request = SignableRequest::new(
//!     "GET",
//!     "https",
//!     "ecs.cn-north-4.myhuaweicloud.com",
//!     "/v3/0a1b2c3d/servers",
//! )
//! .with_query(&query)
//! .with_headers(&headers);
//!
//! // Production code passes `SdkDate::from_datetime(time::OffsetDateTime::now_utc())?`.
//! let date = SdkDate::parse("20240315T083000Z")?;
//! let signed = sign(&request, &credentials, date)?;
//!
//! assert_eq!(signed.canonical_uri(), "/v3/0a1b2c3d/servers/");
//! assert_eq!(signed.uri(), "/v3/0a1b2c3d/servers?limit=10&name=my%20server");
//! assert_eq!(
//!     signed.signed_headers(),
//!     "content-type;host;x-project-id;x-sdk-date"
//! );
//! // Send exactly these headers, path and query.
//! let headers: Vec<(&str, &str)> = signed.headers().collect();
//! assert_eq!(headers.last(), Some(&("Authorization", signed.authorization())));
//! assert_eq!(
//!     signed.url(),
//!     "https://ecs.cn-north-4.myhuaweicloud.com/v3/0a1b2c3d/servers?limit=10&name=my%20server"
//! );
//! # Ok::<(), huaweicloud_sdk_runtime::signing::SigningError>(())
//! ```

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet};
use sha2::{Digest, Sha256};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

use reqwest::header::{HeaderMap, HeaderName, ACCEPT, CONTENT_TYPE, USER_AGENT};

use crate::client::{header_value, is_header_text, Endpoint, Request};
use crate::credentials::CredentialsError;
use crate::error::{ConfigError, Error};
use crate::redacted::Redacted;
use crate::uri::UNRESERVED;
use crate::validation::{Rule, ValidationError};

/// Name of the signing algorithm, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Payload hash of an empty body: the hex SHA-256 of the empty string.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Value of [`HEADER_CONTENT_SHA256`] that makes the signature skip the body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const HEADER_SDK_DATE: &str = "X-Sdk-Date";

/// Header whose value, when present and the body is not empty, replaces the body hash.
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";

/// Header carrying the security token of temporary credentials.
pub const HEADER_SECURITY_TOKEN: &str = "X-Security-Token";

const HEADER_HOST: &str = "Host";
const HEADER_AUTHORIZATION: &str = "Authorization";

/// [`UNRESERVED`] that also keeps `/`. The SDK splits the decoded path on `/`, quotes each segment
/// and joins them with `/` again, which is the same as quoting the whole path with `/` kept.
const QUOTE_PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Format of `X-Sdk-Date`: ISO 8601 basic format with a literal `Z`.
const SDK_DATE_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// Header names (lower case) whose values are credentials and never appear in `Debug` output.
/// `Authorization` is among them: its signature lets anyone replay the request while the
/// signing time is accepted.
const SENSITIVE_HEADERS: [&str; 3] = ["x-security-token", "x-auth-token", "authorization"];

/// Errors that prevent a request from being signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The access key is empty.
    MissingAccessKey,
    /// The secret key is empty.
    MissingSecretKey,
    /// A date given as text (an `X-Sdk-Date` header or [`SdkDate::parse`]) is not a valid UTC
    /// date-time in the form `YYYYMMDDTHHMMSSZ`.
    InvalidSdkDate {
        /// The rejected text.
        value: String,
    },
    /// The instant, in UTC, lies outside the years 1 to 9999 that `X-Sdk-Date` can express.
    DateOutOfRange,
    /// The access key or the security token, which are sent in headers, holds a character
    /// other than printable ASCII (a line break could inject a header).
    InvalidCredential {
        /// Which one: `"access key"` or `"security token"`.
        part: &'static str,
    },
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingAccessKey => f.write_str("cannot sign: the access key is empty"),
            Self::MissingSecretKey => f.write_str("cannot sign: the secret key is empty"),
            Self::InvalidSdkDate { value } => write!(
                f,
                "invalid X-Sdk-Date {value:?}: expected a UTC date-time as YYYYMMDDTHHMMSSZ"
            ),
            Self::DateOutOfRange => {
                f.write_str("the signing time is outside the years 1 to 9999 (UTC)")
            }
            Self::InvalidCredential { part } => write!(
                f,
                "cannot sign: the {part} holds a character that is not printable ASCII (a line \
                 break or other control character?), and it is sent in a header"
            ),
        }
    }
}

impl std::error::Error for SigningError {}

/// Access key, secret key and, for temporary credentials, a security token.
///
/// `Debug` shows the access key (it is sent in clear in every `Authorization` header) and
/// hides the secret key and the token.
#[derive(Clone)]
pub struct Credentials {
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
}

impl Credentials {
    /// Permanent credentials: an access key (AK) and its secret key (SK).
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: None,
        }
    }

    /// Adds the security token of temporary credentials. [`sign`] then sends it as
    /// `X-Security-Token` and signs it, as the SDK does.
    #[must_use]
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(security_token.into());
        self
    }

    /// The access key (AK).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Whether these are temporary credentials carrying a security token.
    pub const fn has_security_token(&self) -> bool {
        self.security_token.is_some()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &Redacted)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| Redacted),
            )
            .finish()
    }
}

/// The signing time as it appears in `X-Sdk-Date`: `YYYYMMDDTHHMMSSZ` in UTC, for example
/// `20240315T083000Z`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SdkDate(String);

impl SdkDate {
    /// Formats an instant, converted to UTC. Production code passes
    /// [`OffsetDateTime::now_utc()`].
    ///
    /// # Errors
    ///
    /// [`SigningError::DateOutOfRange`] when the UTC year is not between 1 and 9999.
    pub fn from_datetime(instant: OffsetDateTime) -> Result<Self, SigningError> {
        let utc = instant
            .checked_to_offset(UtcOffset::UTC)
            .ok_or(SigningError::DateOutOfRange)?;
        if !(1..=9999).contains(&utc.year()) {
            return Err(SigningError::DateOutOfRange);
        }
        // Formatting only fails for components the value lacks; a UTC date-time has them all.
        utc.format(SDK_DATE_FORMAT)
            .map(Self)
            .map_err(|_| SigningError::DateOutOfRange)
    }

    /// Accepts a date already in the `X-Sdk-Date` form.
    ///
    /// Only the exact 16-character form is accepted. The SDK's `strptime` would also take
    /// unpadded fields or a lower-case `t`/`z`, but it then signs the re-formatted date while
    /// sending the original text, so the date signed and the date sent would differ.
    ///
    /// # Errors
    ///
    /// [`SigningError::InvalidSdkDate`] when `text` is not a valid date-time in that form.
    pub fn parse(text: &str) -> Result<Self, SigningError> {
        if is_valid_sdk_date(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(SigningError::InvalidSdkDate {
                value: text.to_owned(),
            })
        }
    }

    /// The date as sent, e.g. `20240315T083000Z`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for SdkDate {
    type Err = SigningError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<OffsetDateTime> for SdkDate {
    type Error = SigningError;

    fn try_from(instant: OffsetDateTime) -> Result<Self, Self::Error> {
        Self::from_datetime(instant)
    }
}

/// `YYYYMMDDTHHMMSSZ` naming a real calendar date and a time of day without leap second, which
/// is what Python's `datetime.strptime` accepts in this format once padded.
fn is_valid_sdk_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return false;
    }
    let number = |range: Range<usize>| {
        bytes[range].iter().try_fold(0u16, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u16::from(b - b'0'))
        })
    };
    let two_digits = |start: usize| number(start..start + 2).and_then(|n| u8::try_from(n).ok());
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        number(0..4),
        two_digits(4),
        two_digits(6),
        two_digits(9),
        two_digits(11),
        two_digits(13),
    ) else {
        return false;
    };
    year >= 1
        && Month::try_from(month)
            .is_ok_and(|month| Date::from_calendar_date(i32::from(year), month, day).is_ok())
        && Time::from_hms(hour, minute, second).is_ok()
}

/// One query parameter value, typed where the order of values depends on the type.
///
/// The SDK sorts query pairs as Python tuples before encoding them, so the type of a value
/// matters when one key repeats:
///
/// * [`Text`](Self::Text) values sort by code point (`"10"` < `"9"`) and are percent-encoded.
/// * [`Int`](Self::Int) values sort numerically (`9` < `10`) and are sent as decimal digits.
/// * [`Bool`](Self::Bool) values are sent as `true` / `false` and sort like the integers 0 and 1,
///   also against [`Int`](Self::Int) values, as in Python. Pairs that compare equal keep their
///   order.
///
/// A list parameter is passed as repeated pairs with the same key, one per element, which is how
/// the SDK's client sends every list (it turns all collection formats into `multi`). Lists of
/// numbers then sort numerically and lists of booleans become `true`/`false`, as in the SDK.
///
/// Python cannot order a number against text, so the SDK fails on a key that has both. This
/// signer sorts the numbers of such a key before its text values.
///
/// Floating-point numbers have no variant: Python's `str(float)` (`1e+16`, `1.0`) differs from
/// Rust's formatting, so pass the exact text as [`Text`](Self::Text).
///
/// The client keeps a request's query in this type too, owning its text
/// (`QueryValue::Text(Cow::Owned(…))`), so what it signs and what it sends are the same values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryValue<'a> {
    /// A string, given raw (not percent-encoded). The empty string gives `key=`.
    Text(Cow<'a, str>),
    /// An integer.
    Int(i64),
    /// A boolean, sent as `true` or `false`.
    Bool(bool),
}

impl QueryValue<'_> {
    /// The order of Python's `<` on the raw values, which `list.sort()` uses, made total by
    /// putting numbers before text where Python has no order.
    fn sdk_cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            (Self::Text(_), _) => Ordering::Greater,
            (_, Self::Text(_)) => Ordering::Less,
            (a, b) => a.number().cmp(&b.number()),
        }
    }

    /// The value as a Python `int`; `bool` is a subclass of `int` with `False == 0` and
    /// `True == 1`.
    fn number(&self) -> Option<i64> {
        match *self {
            Self::Int(n) => Some(n),
            Self::Bool(b) => Some(i64::from(b)),
            Self::Text(_) => None,
        }
    }
}

impl<'a> From<&'a str> for QueryValue<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a String> for QueryValue<'a> {
    fn from(text: &'a String) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl From<String> for QueryValue<'_> {
    fn from(text: String) -> Self {
        Self::Text(Cow::Owned(text))
    }
}

impl From<bool> for QueryValue<'_> {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

macro_rules! query_value_from_int {
    ($($int:ty),*) => {$(
        impl From<$int> for QueryValue<'_> {
            fn from(value: $int) -> Self {
                Self::Int(i64::from(value))
            }
        }
    )*};
}

query_value_from_int!(i8, i16, i32, i64, u8, u16, u32);

/// Decimal digits of `n`, written at the end of `buf` (20 bytes fit `i64::MIN`).
fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut rest = n.unsigned_abs();
    let mut start = buf.len();
    loop {
        start -= 1;
        // `rest % 10` is below 10, so the cast cannot truncate.
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        start -= 1;
        buf[start] = b'-';
    }
    &buf[start..]
}

/// The parts of an HTTP request that the signature covers, as they will be sent.
///
/// Everything is borrowed; build it right before sending. The transport must send the path,
/// query and headers that [`sign`] returns, unchanged.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    method: &'a str,
    scheme: &'a str,
    authority: &'a str,
    path: &'a str,
    query: &'a [(&'a str, QueryValue<'a>)],
    headers: &'a [(&'a str, &'a str)],
    body: &'a [u8],
}

impl<'a> SignableRequest<'a> {
    /// A request without query, headers or body.
    ///
    /// * `method`: the HTTP method, e.g. `GET` (signed upper-cased).
    /// * `scheme`: `https` or `http`; only used by [`SignedRequest::url`].
    /// * `authority`: the endpoint's host, with `:port` when the endpoint has one. It becomes the
    ///   `Host` header unless [`with_headers`](Self::with_headers) supplies one.
    /// * `path`: the resource path exactly as it will be sent, without query, with path
    ///   parameter values already percent-encoded (the SDK encodes them with
    ///   `quote(value, safe='')`, so `/` in a value is `%2F`).
    pub const fn new(method: &'a str, scheme: &'a str, authority: &'a str, path: &'a str) -> Self {
        Self {
            method,
            scheme,
            authority,
            path,
            query: &[],
            headers: &[],
            body: &[],
        }
    }

    /// Query parameters as raw (not percent-encoded) pairs, in any order; a key repeats once per
    /// element of a list. Parameters that are not set must be left out, not passed as empty.
    #[must_use]
    pub const fn with_query(mut self, query: &'a [(&'a str, QueryValue<'a>)]) -> Self {
        self.query = query;
        self
    }

    /// Headers to send, names in the case they will be sent.
    ///
    /// Pass every header the transport will send that the server should see signed (at least
    /// `Content-Type` when there is one, `X-Project-Id` or `X-Domain-Id`, `User-Agent`).
    /// An `X-Sdk-Date` header, in any case, is used as the signing time. Names are expected to
    /// be unique ignoring case; see the [module docs](self) for what duplicates do. Do not pass
    /// `Authorization`: the SDK would sign it before replacing it.
    #[must_use]
    pub const fn with_headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }

    /// The body exactly as it will be sent; text is signed as its UTF-8 bytes.
    #[must_use]
    pub const fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("scheme", &self.scheme)
            .field("authority", &self.authority)
            .field("path", &self.path)
            .field("query", &self.query)
            .field(
                "headers",
                &DebugHeaders(self.headers.iter().map(|&(name, value)| (name, value))),
            )
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

/// One header of the request being signed.
#[derive(Clone)]
struct Header<'a> {
    name: &'a str,
    value: Cow<'a, str>,
    /// The lower-cased name, as a range of [`HeaderTable::lower`].
    lower: Range<usize>,
}

/// The SDK keeps headers in a Python `dict`; this reproduces its semantics: insertion order,
/// exact-name replacement in place, and case-insensitive lookups that return the first match.
struct HeaderTable<'a> {
    entries: Vec<Header<'a>>,
    lower: String,
}

impl<'a> HeaderTable<'a> {
    fn with_capacity(headers: usize, name_bytes: usize) -> Self {
        Self {
            entries: Vec::with_capacity(headers),
            lower: String::with_capacity(name_bytes),
        }
    }

    /// The caller's headers, then those the SDK adds before computing the date and host:
    /// the security token of the credentials and the unsigned-payload marker.
    fn from_request(request: &SignableRequest<'a>, credentials: &'a Credentials) -> Self {
        let name_bytes: usize = request.headers.iter().map(|(name, _)| name.len()).sum();
        // Room for the headers the signer may add: token, content hash, date, host and
        // authorization, whose lower-cased names take 63 bytes.
        let mut headers = Self::with_capacity(request.headers.len() + 5, name_bytes + 63);
        for &(name, value) in request.headers {
            headers.set(name, Cow::Borrowed(value));
        }
        if let Some(token) = &credentials.security_token {
            headers.set(HEADER_SECURITY_TOKEN, Cow::Borrowed(token));
        }
        // The SDK reads this header with a case-sensitive dict lookup, on the untrimmed value.
        let unsigned_payload = headers
            .get_exact("Content-Type")
            .is_some_and(|content_type| {
                !content_type.is_empty()
                    && !content_type.starts_with("application/json")
                    && !content_type.starts_with("application/bson")
            });
        if unsigned_payload {
            headers.set(HEADER_CONTENT_SHA256, Cow::Borrowed(UNSIGNED_PAYLOAD));
        }
        headers
    }

    /// Inserts or replaces the header named exactly `name`; returns its index.
    fn set(&mut self, name: &'a str, value: Cow<'a, str>) -> usize {
        if let Some(index) = self.entries.iter().position(|entry| entry.name == name) {
            self.entries[index].value = value;
            return index;
        }
        let start = self.lower.len();
        if name.is_ascii() {
            self.lower.push_str(name);
            self.lower[start..].make_ascii_lowercase();
        } else {
            self.lower.push_str(&name.to_lowercase());
        }
        let lower = start..self.lower.len();
        self.entries.push(Header { name, value, lower });
        self.entries.len() - 1
    }

    fn lower_name(&self, index: usize) -> &str {
        &self.lower[self.entries[index].lower.clone()]
    }

    fn get_exact(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|entry| entry.name == name)
            .map(|entry| &*entry.value)
    }

    /// The first header whose lower-cased name is `lower_name`.
    fn get_ignore_case(&self, lower_name: &str) -> Option<&Header<'a>> {
        (0..self.entries.len())
            .find(|&index| self.lower_name(index) == lower_name)
            .map(|index| &self.entries[index])
    }
}

/// Whether `text` is printable ASCII (`!` to `~`): what a credential sent in a header may hold.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic())
}

/// Python's `str.strip()`: Unicode `White_Space` plus U+001C..U+001F, which Python also strips.
fn py_strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn is_sensitive(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|sensitive| name.eq_ignore_ascii_case(sensitive))
}

/// `Debug` for a header list that hides credential values.
struct DebugHeaders<I>(I);

impl<'h, I> fmt::Debug for DebugHeaders<I>
where
    I: Iterator<Item = (&'h str, &'h str)> + Clone,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0.clone() {
            let value: &dyn fmt::Debug = if is_sensitive(name) {
                &Redacted
            } else {
                &value
            };
            list.entry(&(name, value));
        }
        list.finish()
    }
}

/// The result of [`sign`]: what to send, and every intermediate value of the signature.
///
/// The intermediate values are the ones the server computes too. When the server rejects a
/// signature, compare [`canonical_request`](Self::canonical_request) with the one the official
/// SDK computes for the same request.
///
/// `Debug` hides the security token, both as a header and inside the canonical request, and
/// the `Authorization` header (its signature authorises the request); the accessors return
/// them unredacted.
#[derive(Clone)]
pub struct SignedRequest<'a> {
    scheme: &'a str,
    authority: &'a str,
    canonical_request: String,
    canonical_uri: Range<usize>,
    canonical_query_string: Range<usize>,
    canonical_headers: Range<usize>,
    signed_headers: Range<usize>,
    payload_hash: Range<usize>,
    string_to_sign: String,
    date: Range<usize>,
    headers: Vec<Header<'a>>,
    authorization: usize,
    uri: String,
}

impl SignedRequest<'_> {
    /// The canonical request: method, canonical URI, canonical query string, canonical headers,
    /// signed headers and payload hash, separated by `\n`.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical URI: the path decoded, re-encoded segment by segment and ending in `/`.
    pub fn canonical_uri(&self) -> &str {
        &self.canonical_request[self.canonical_uri.clone()]
    }

    /// The canonical query string: pairs sorted raw, then encoded and joined with `&`. Empty
    /// without query parameters. It is also the query string to send.
    pub fn canonical_query_string(&self) -> &str {
        &self.canonical_request[self.canonical_query_string.clone()]
    }

    /// The canonical headers: one `name:value` line per signed header, each ending in `\n`.
    pub fn canonical_headers(&self) -> &str {
        &self.canonical_request[self.canonical_headers.clone()]
    }

    /// The lower-cased names of the signed headers, sorted and joined with `;`.
    pub fn signed_headers(&self) -> &str {
        &self.canonical_request[self.signed_headers.clone()]
    }

    /// The payload hash in the canonical request: hex SHA-256 of the body,
    /// [`EMPTY_PAYLOAD_SHA256`] for an empty body, or the value of [`HEADER_CONTENT_SHA256`]
    /// (usually [`UNSIGNED_PAYLOAD`]).
    pub fn payload_hash(&self) -> &str {
        &self.canonical_request[self.payload_hash.clone()]
    }

    /// The string to sign: algorithm, date and hex SHA-256 of the canonical request, separated
    /// by `\n`.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The `X-Sdk-Date` value that was signed.
    pub fn date(&self) -> &str {
        &self.string_to_sign[self.date.clone()]
    }

    /// The signature: lower-case hex HMAC-SHA256 of the string to sign, keyed with the SK.
    pub fn signature(&self) -> &str {
        let authorization = self.authorization();
        // The authorization value ends with the 64 hex digits of the signature.
        &authorization[authorization.len() - 64..]
    }

    /// The value of the `Authorization` header.
    pub fn authorization(&self) -> &str {
        &self.headers[self.authorization].value
    }

    /// Every header to send, as `(name, value)`, values trimmed: the caller's headers in their
    /// order (a name given twice in exactly the same case is sent once, with the last value),
    /// then those the signer added (`X-Security-Token`, `X-Sdk-Content-Sha256`, `X-Sdk-Date`,
    /// `Host`, in that order, when added) and `Authorization` last.
    ///
    /// Values are UTF-8 text and must be sent as their UTF-8 bytes.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone + '_ {
        self.headers
            .iter()
            .map(|header| (header.name, py_strip(&header.value)))
    }

    /// The request target to send: the path as given, then `?` and the canonical query string
    /// when there is one. The query must be sent as is, since its order and encoding are signed.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The absolute URL to send: `scheme://authority` followed by [`uri`](Self::uri).
    pub fn url(&self) -> String {
        let mut url =
            String::with_capacity(self.scheme.len() + 3 + self.authority.len() + self.uri.len());
        url.push_str(self.scheme);
        url.push_str("://");
        url.push_str(self.authority);
        url.push_str(&self.uri);
        url
    }
}

impl fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut canonical_request = String::with_capacity(self.canonical_request.len());
        for (index, line) in self.canonical_request.split('\n').enumerate() {
            if index > 0 {
                canonical_request.push('\n');
            }
            match line.split_once(':') {
                Some((name, _)) if is_sensitive(name) => {
                    canonical_request.push_str(name);
                    canonical_request.push(':');
                    canonical_request.push_str(Redacted::TEXT);
                }
                _ => canonical_request.push_str(line),
            }
        }
        f.debug_struct("SignedRequest")
            .field("canonical_request", &canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("headers", &DebugHeaders(self.headers()))
            .field("uri", &self.uri)
            .finish()
    }
}

/// Signs `request` with `credentials`.
///
/// `date` is the signing time, unless `request` has an `X-Sdk-Date` header (in any case): the
/// header then wins and is signed as is, as the SDK does.
///
/// # Errors
///
/// * [`SigningError::MissingAccessKey`] / [`SigningError::MissingSecretKey`] when a key is empty.
/// * [`SigningError::InvalidSdkDate`] when the request's `X-Sdk-Date` header is malformed.
/// * [`SigningError::InvalidCredential`] when the access key or the security token is not
///   printable ASCII.
pub fn sign<'a>(
    request: &SignableRequest<'a>,
    credentials: &'a Credentials,
    date: SdkDate,
) -> Result<SignedRequest<'a>, SigningError> {
    if credentials.access_key.is_empty() {
        return Err(SigningError::MissingAccessKey);
    }
    if credentials.secret_key.is_empty() {
        return Err(SigningError::MissingSecretKey);
    }
    // Checked raw: signing trims the ends of header values, which would hide a line break
    // there rather than refuse it.
    if !is_printable_ascii(&credentials.access_key) {
        return Err(SigningError::InvalidCredential { part: "access key" });
    }
    if let Some(token) = &credentials.security_token {
        if !is_printable_ascii(token) {
            return Err(SigningError::InvalidCredential {
                part: "security token",
            });
        }
    }
    let mut headers = HeaderTable::from_request(request, credentials);

    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + 16 + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    let date_start = string_to_sign.len();
    if let Some(header) = headers.get_ignore_case("x-sdk-date") {
        // The SDK parses the raw value and fails on anything `strptime` rejects.
        if !is_valid_sdk_date(&header.value) {
            return Err(SigningError::InvalidSdkDate {
                value: header.value.clone().into_owned(),
            });
        }
        string_to_sign.push_str(&header.value);
    } else {
        string_to_sign.push_str(&date.0);
        headers.set(HEADER_SDK_DATE, Cow::Owned(date.0));
    }
    let date_range = date_start..string_to_sign.len();
    string_to_sign.push('\n');

    if headers.get_ignore_case("host").is_none() {
        headers.set(HEADER_HOST, Cow::Borrowed(request.authority));
    }

    let mut canonical_request =
        String::with_capacity(canonical_request_capacity(request, &headers));
    push_upper(&mut canonical_request, request.method);
    canonical_request.push('\n');
    let canonical_uri = push_canonical_uri(&mut canonical_request, request.path);
    canonical_request.push('\n');
    let canonical_query_string = push_canonical_query(&mut canonical_request, request.query);
    canonical_request.push('\n');
    let (canonical_headers, signed_headers) =
        push_canonical_headers(&mut canonical_request, &headers);
    let payload_hash = push_payload_hash(&mut canonical_request, request.body, &headers);

    push_hex(
        &mut string_to_sign,
        &Sha256::digest(&canonical_request).into(),
    );

    let mut mac = Hmac::<Sha256>::new_from_slice(credentials.secret_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    let signature: [u8; 32] = mac.finalize().into_bytes().into();

    let authorization = authorization_value(
        &credentials.access_key,
        &canonical_request[signed_headers.clone()],
        &signature,
    );
    let authorization = headers.set(HEADER_AUTHORIZATION, Cow::Owned(authorization));

    let query = &canonical_request[canonical_query_string.clone()];
    let mut uri = String::with_capacity(request.path.len() + 1 + query.len());
    uri.push_str(request.path);
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(query);
    }

    Ok(SignedRequest {
        scheme: request.scheme,
        authority: request.authority,
        canonical_uri,
        canonical_query_string,
        canonical_headers,
        signed_headers,
        payload_hash,
        canonical_request,
        string_to_sign,
        date: date_range,
        headers: headers.entries,
        authorization,
        uri,
    })
}

/// Appends the payload hash and returns its range in `out`.
fn push_payload_hash(out: &mut String, body: &[u8], headers: &HeaderTable<'_>) -> Range<usize> {
    let start = out.len();
    if body.is_empty() {
        out.push_str(EMPTY_PAYLOAD_SHA256);
    } else {
        // Only the first header matching in any case counts, and only when not blank.
        let declared = headers
            .get_ignore_case("x-sdk-content-sha256")
            .map(|header| py_strip(&header.value))
            .filter(|value| !value.is_empty());
        match declared {
            Some(hash) => out.push_str(hash),
            None => push_hex(out, &Sha256::digest(body).into()),
        }
    }
    start..out.len()
}

/// Appends the lower-case hex form of a SHA-256 digest or HMAC-SHA256 tag.
fn push_hex(out: &mut String, bytes: &[u8; 32]) {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(bytes, &mut hex).expect("64 bytes hold the hex form of 32 bytes");
    out.push_str(std::str::from_utf8(&hex).expect("hex digits are ASCII"));
}

/// `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`.
fn authorization_value(access_key: &str, signed_headers: &str, signature: &[u8; 32]) -> String {
    const ACCESS: &str = " Access=";
    const SIGNED_HEADERS: &str = ", SignedHeaders=";
    const SIGNATURE: &str = ", Signature=";
    let mut value = String::with_capacity(
        ALGORITHM.len()
            + ACCESS.len()
            + access_key.len()
            + SIGNED_HEADERS.len()
            + signed_headers.len()
            + SIGNATURE.len()
            + 2 * signature.len(),
    );
    for part in [
        ALGORITHM,
        ACCESS,
        access_key,
        SIGNED_HEADERS,
        signed_headers,
        SIGNATURE,
    ] {
        value.push_str(part);
    }
    push_hex(&mut value, signature);
    value
}

/// A close upper bound for the usual case, so the canonical request is built without growing.
fn canonical_request_capacity(request: &SignableRequest<'_>, headers: &HeaderTable<'_>) -> usize {
    let query: usize = request
        .query
        .iter()
        .map(|(key, value)| {
            key.len()
                + 2
                + match value {
                    QueryValue::Text(text) => text.len(),
                    QueryValue::Int(_) | QueryValue::Bool(_) => 20,
                }
        })
        .sum();
    let headers: usize = headers
        .entries
        .iter()
        .map(|header| 2 * header.name.len() + header.value.len() + 2)
        .sum();
    request.method.len() + request.path.len() + query + headers + EMPTY_PAYLOAD_SHA256.len() + 8
}

/// Appends the method as Python's `str.upper()` does.
fn push_upper(out: &mut String, method: &str) {
    if method.is_ascii() {
        let start = out.len();
        out.push_str(method);
        out[start..].make_ascii_uppercase();
    } else {
        out.push_str(&method.to_uppercase());
    }
}

/// Appends the canonical URI of `path` and returns its range in `out`.
fn push_canonical_uri(out: &mut String, path: &str) -> Range<usize> {
    let start = out.len();
    // Invalid UTF-8 after decoding becomes U+FFFD, like Python's `unquote` (errors='replace').
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    out.extend(utf8_percent_encode(&decoded, QUOTE_PATH));
    if out.len() == start || !out.ends_with('/') {
        out.push('/');
    }
    start..out.len()
}

/// Appends the canonical query string and returns its range in `out`.
fn push_canonical_query(out: &mut String, query: &[(&str, QueryValue<'_>)]) -> Range<usize> {
    let start = out.len();
    let mut pairs: Vec<&(&str, QueryValue<'_>)> = query.iter().collect();
    // Stable, like Python's sort, so pairs that compare equal (`true` and `1`) keep their order.
    pairs.sort_by(|(key_a, value_a), (key_b, value_b)| {
        key_a.cmp(key_b).then_with(|| value_a.sdk_cmp(value_b))
    });
    for (index, (key, value)) in pairs.into_iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(key, UNRESERVED));
        out.push('=');
        match *value {
            QueryValue::Text(ref text) => out.extend(utf8_percent_encode(text, UNRESERVED)),
            QueryValue::Bool(flag) => out.push_str(if flag { "true" } else { "false" }),
            // Digits and `-` need no escaping.
            QueryValue::Int(n) => {
                out.extend(decimal(n, &mut [0u8; 20]).iter().map(|&b| char::from(b)));
            }
        }
    }
    start..out.len()
}

/// Appends the canonical headers, a `\n`, the signed headers and a `\n`; returns the ranges of
/// the canonical headers and of the signed headers.
fn push_canonical_headers(
    out: &mut String,
    headers: &HeaderTable<'_>,
) -> (Range<usize>, Range<usize>) {
    let mut signed: Vec<usize> = (0..headers.entries.len())
        .filter(|&index| !headers.entries[index].name.contains('_'))
        .collect();
    // Stable, so case variants of one name stay in insertion order and the last one is last.
    signed.sort_by(|&a, &b| headers.lower_name(a).cmp(headers.lower_name(b)));

    let canonical_start = out.len();
    for group in signed.chunk_by(|&a, &b| headers.lower_name(a) == headers.lower_name(b)) {
        let name = headers.lower_name(group[0]);
        // The SDK looks values up in a dict keyed by the lower-cased name, so every line of a
        // repeated name carries the value of its last occurrence.
        let value = py_strip(&headers.entries[group[group.len() - 1]].value);
        for _ in group {
            out.push_str(name);
            out.push(':');
            out.push_str(value);
            out.push('\n');
        }
    }
    let canonical_headers = canonical_start..out.len();
    out.push('\n');

    let signed_start = out.len();
    for (position, &index) in signed.iter().enumerate() {
        if position > 0 {
            out.push(';');
        }
        out.push_str(headers.lower_name(index));
    }
    let signed_headers = signed_start..out.len();
    out.push('\n');
    (canonical_headers, signed_headers)
}

/// The header that names the project of an AK/SK-signed request, as the official SDKs send it.
const PROJECT_HEADER: &str = "X-Project-Id";

/// The AK/SK branch of building one attempt of a client request: adds `X-Project-Id`, signs
/// the headers set so far with a fresh `X-Sdk-Date`, and returns the headers to send and the
/// URL, whose query is the canonical one that was signed.
pub(crate) fn sign_request<S, C>(
    request: &Request<S>,
    endpoint: &Endpoint,
    path: &str,
    mut headers: HeaderMap,
    credentials: &Credentials,
) -> Result<(HeaderMap, String), Error<C>> {
    if let Some(project) = &request.project_id {
        // HTTP drops spaces at the ends of a header value; the path would keep them.
        if !is_header_text(project) || project.trim() != project {
            return Err(ValidationError::new("project_id", Rule::HeaderValue).into());
        }
        headers.insert(PROJECT_HEADER, header_value(PROJECT_HEADER, project)?);
    }
    // Sign exactly the headers set above, in their wire spelling.
    let names = [
        ("Accept", ACCEPT.as_str()),
        ("User-Agent", USER_AGENT.as_str()),
        ("Content-Type", CONTENT_TYPE.as_str()),
        (PROJECT_HEADER, "x-project-id"),
    ];
    let mut to_sign: Vec<(&str, &str)> = names
        .iter()
        .filter_map(|(name, key)| Some((*name, headers.get(*key)?.to_str().ok()?)))
        .collect();
    // Headers a call's options or a hook added are signed too, so that they cannot be
    // altered on the way.
    for (name, value) in &headers {
        if names.iter().any(|(_, key)| *key == name.as_str()) {
            continue;
        }
        let value = value
            .to_str()
            .map_err(|_| ConfigError::InvalidHeaderValue {
                name: name.as_str().to_owned(),
            })?;
        to_sign.push((name.as_str(), value));
    }
    let signable = SignableRequest::new(
        request.method.as_str(),
        &endpoint.scheme,
        &endpoint.authority,
        path,
    )
    .with_query(&request.query)
    .with_headers(&to_sign)
    .with_body(request.body.as_deref().unwrap_or_default());
    let signing_error = |e: SigningError| CredentialsError::with_source(e.to_string(), e);
    let date = SdkDate::from_datetime(OffsetDateTime::now_utc()).map_err(signing_error)?;
    let signed = sign(&signable, credentials, date).map_err(signing_error)?;
    let mut signed_headers = HeaderMap::new();
    for (name, value) in signed.headers() {
        // The HTTP client writes `Host` from the URL: the same authority.
        if name.eq_ignore_ascii_case("host") {
            continue;
        }
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            ConfigError::InvalidHeaderValue {
                name: name.to_owned(),
            }
        })?;
        let mut value = header_value(name, value)?;
        value.set_sensitive(is_sensitive(name));
        signed_headers.insert(header, value);
    }
    Ok((signed_headers, signed.url()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "20240315T083000Z";

    fn credentials() -> Credentials {
        Credentials::new("AK", "SK")
    }

    fn date() -> SdkDate {
        SdkDate::parse(DATE).expect("valid date")
    }

    fn sign_ok<'a>(
        request: &SignableRequest<'a>,
        credentials: &'a Credentials,
    ) -> SignedRequest<'a> {
        sign(request, credentials, date()).expect("request signs")
    }

    fn canonical_query(query: &[(&str, QueryValue<'_>)]) -> String {
        let mut out = String::new();
        push_canonical_query(&mut out, query);
        out
    }

    fn canonical_uri(path: &str) -> String {
        let mut out = String::new();
        push_canonical_uri(&mut out, path);
        out
    }

    #[test]
    fn query_sorted_on_raw_pairs_before_encoding() {
        let query = [
            ("é", QueryValue::from("1")),
            ("a/b", QueryValue::from("2")),
            ("a.b", QueryValue::from("3")),
            ("a", QueryValue::from("4")),
            ("Z", QueryValue::from("5")),
            ("_x", QueryValue::from("6")),
            ("~k", QueryValue::from("7")),
            ("dup", QueryValue::from("b+c")),
            ("dup", QueryValue::from("b c")),
        ];
        assert_eq!(
            canonical_query(&query),
            "Z=5&_x=6&a=4&a.b=3&a%2Fb=2&dup=b%20c&dup=b%2Bc&~k=7&%C3%A9=1"
        );
    }

    #[test]
    fn query_encoding_is_quote_with_tilde_safe() {
        let query = [
            ("name", QueryValue::from("my server & more=yes")),
            ("r", QueryValue::from("a+b/c*d(e)!f'g:h")),
            ("tilde", QueryValue::from("~-_.ok")),
            ("empty", QueryValue::from("")),
        ];
        assert_eq!(
            canonical_query(&query),
            "empty=&name=my%20server%20%26%20more%3Dyes&r=a%2Bb%2Fc%2Ad%28e%29%21f%27g%3Ah&tilde=~-_.ok"
        );
    }

    #[test]
    fn integer_values_of_one_key_sort_numerically() {
        let query = [
            ("k", QueryValue::Int(10)),
            ("k", QueryValue::Int(9)),
            ("k", QueryValue::Int(-3)),
            ("t", QueryValue::from("10")),
            ("t", QueryValue::from("9")),
        ];
        assert_eq!(canonical_query(&query), "k=-3&k=9&k=10&t=10&t=9");
    }

    #[test]
    fn booleans_are_lower_case_and_order_like_integers() {
        let query = [
            ("b", QueryValue::Bool(true)),
            ("b", QueryValue::Int(1)),
            ("b", QueryValue::Bool(false)),
            ("b", QueryValue::Int(2)),
        ];
        // True == 1 in Python, so the stable sort keeps them in input order.
        assert_eq!(canonical_query(&query), "b=false&b=true&b=1&b=2");
    }

    #[test]
    fn numbers_sort_before_text_of_the_same_key() {
        let query = [
            ("k", QueryValue::from("5")),
            ("k", QueryValue::Int(10)),
            ("k", QueryValue::Int(9)),
            ("k", QueryValue::from("10")),
            ("k", QueryValue::Bool(true)),
        ];
        assert_eq!(canonical_query(&query), "k=true&k=9&k=10&k=10&k=5");
    }

    #[test]
    fn extreme_integers() {
        let query = [
            ("k", QueryValue::Int(i64::MAX)),
            ("k", QueryValue::Int(i64::MIN)),
        ];
        assert_eq!(
            canonical_query(&query),
            "k=-9223372036854775808&k=9223372036854775807"
        );
    }

    #[test]
    fn canonical_uri_gets_a_trailing_slash_the_wire_path_does_not() {
        assert_eq!(canonical_uri("/v3/p/servers"), "/v3/p/servers/");
        assert_eq!(canonical_uri("/v3/p/servers/"), "/v3/p/servers/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");

        let credentials = credentials();
        let query = [("limit", QueryValue::Int(5))];
        let request = SignableRequest::new("GET", "https", "h", "/v3/p/servers").with_query(&query);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.canonical_uri(), "/v3/p/servers/");
        assert_eq!(signed.uri(), "/v3/p/servers?limit=5");
        assert_eq!(signed.url(), "https://h/v3/p/servers?limit=5");
    }

    #[test]
    fn encoded_slash_in_path_is_decoded_into_a_separator() {
        assert_eq!(canonical_uri("/a%2Fb"), "/a/b/");
        assert_eq!(canonical_uri("/a%2fb/c"), "/a/b/c/");

        let credentials = credentials();
        let request = SignableRequest::new("GET", "https", "h", "/a%2Fb");
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.canonical_uri(), "/a/b/");
        assert_eq!(signed.uri(), "/a%2Fb");
    }

    #[test]
    fn path_segments_are_decoded_and_re_encoded() {
        assert_eq!(
            canonical_uri("/v/my%20server%20%E5%A4%87/a~b%28c%29/x+y/%7e"),
            "/v/my%20server%20%E5%A4%87/a~b%28c%29/x%2By/~/"
        );
        // Not an escape: left as is by the decoder, then `%` itself is encoded.
        assert_eq!(canonical_uri("/100%/%zz"), "/100%25/%25zz/");
        // Raw non-ASCII in the path is encoded as UTF-8.
        assert_eq!(canonical_uri("/é"), "/%C3%A9/");
        // Invalid UTF-8 after decoding becomes U+FFFD, as in Python's `unquote`.
        assert_eq!(canonical_uri("/a%FFb%C3"), "/a%EF%BF%BDb%EF%BF%BD/");
    }

    #[test]
    fn content_type_check_is_case_sensitive() {
        let credentials = credentials();
        let body = b"hello";

        let headers = [("Content-Type", "text/plain")];
        let request = SignableRequest::new("PUT", "https", "h", "/o")
            .with_headers(&headers)
            .with_body(body);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.payload_hash(), UNSIGNED_PAYLOAD);
        assert_eq!(
            signed.signed_headers(),
            "content-type;host;x-sdk-content-sha256;x-sdk-date"
        );
        assert!(signed
            .headers()
            .any(|header| header == (HEADER_CONTENT_SHA256, UNSIGNED_PAYLOAD)));

        let headers = [("content-type", "text/plain")];
        let request = SignableRequest::new("PUT", "https", "h", "/o")
            .with_headers(&headers)
            .with_body(body);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(
            signed.payload_hash(),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(signed.signed_headers(), "content-type;host;x-sdk-date");
    }

    #[test]
    fn json_and_bson_content_types_are_hashed() {
        let credentials = credentials();
        for content_type in [
            "application/json",
            "application/json;charset=UTF-8",
            "application/bson",
        ] {
            let headers = [("Content-Type", content_type)];
            let request = SignableRequest::new("POST", "https", "h", "/o")
                .with_headers(&headers)
                .with_body(b"{}");
            let signed = sign_ok(&request, &credentials);
            assert_eq!(
                signed.payload_hash(),
                "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                "{content_type}"
            );
        }
    }

    #[test]
    fn unsigned_payload_matches_the_sdk() {
        // Expected values computed with huaweicloudsdkcore 3.1.219's Signer.
        let credentials = credentials();
        let headers = [
            ("Content-Type", "text/plain"),
            ("X-Sdk-Date", DATE),
            ("X_u", " v "),
        ];
        let query = [
            ("k", QueryValue::Int(10)),
            ("k", QueryValue::Int(9)),
            ("b", QueryValue::Bool(true)),
            ("b", QueryValue::Bool(false)),
        ];
        let request = SignableRequest::new("GET", "https", "h.example:8443", "/a%2Fb/c")
            .with_query(&query)
            .with_headers(&headers)
            .with_body(b"x");
        let signed = sign_ok(&request, &credentials);
        assert_eq!(
            signed.canonical_request(),
            "GET\n/a/b/c/\nb=false&b=true&k=9&k=10\ncontent-type:text/plain\nhost:h.example:8443\n\
             x-sdk-content-sha256:UNSIGNED-PAYLOAD\nx-sdk-date:20240315T083000Z\n\n\
             content-type;host;x-sdk-content-sha256;x-sdk-date\nUNSIGNED-PAYLOAD"
        );
        assert_eq!(
            signed.signature(),
            "5c145b79968cd8d3f8ef6c7170875dd820db23eb351b5c9995b1392703a2cf62"
        );
        assert_eq!(signed.uri(), "/a%2Fb/c?b=false&b=true&k=9&k=10");
        let names: Vec<&str> = signed.headers().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Sdk-Date",
                "X_u",
                "X-Sdk-Content-Sha256",
                "Host",
                "Authorization"
            ]
        );
    }

    #[test]
    fn empty_body_hashes_as_empty_string() {
        let credentials = credentials();
        // Even with an unsigned-payload content type or an explicit content hash header.
        let headers = [
            ("Content-Type", "text/plain"),
            ("X-Sdk-Content-Sha256", "abc"),
        ];
        for body in [&b""[..], b"x"] {
            let request = SignableRequest::new("POST", "https", "h", "/o")
                .with_headers(&headers)
                .with_body(body);
            let signed = sign_ok(&request, &credentials);
            let expected = if body.is_empty() {
                EMPTY_PAYLOAD_SHA256
            } else {
                UNSIGNED_PAYLOAD
            };
            assert_eq!(signed.payload_hash(), expected);
        }
        let request = SignableRequest::new("POST", "https", "h", "/o");
        assert_eq!(
            sign_ok(&request, &credentials).payload_hash(),
            EMPTY_PAYLOAD_SHA256
        );
    }

    #[test]
    fn caller_content_hash_header_replaces_body_hash() {
        let credentials = credentials();
        let headers = [("x-sdk-content-sha256", "  precomputed  ")];
        let request = SignableRequest::new("PUT", "https", "h", "/o")
            .with_headers(&headers)
            .with_body(b"data");
        assert_eq!(
            sign_ok(&request, &credentials).payload_hash(),
            "precomputed"
        );
    }

    #[test]
    fn underscore_headers_are_sent_but_not_signed() {
        let credentials = credentials();
        let headers = [("X_Underscore_Header", "not-signed"), ("X-Signed", "yes")];
        let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.signed_headers(), "host;x-sdk-date;x-signed");
        assert!(!signed.canonical_headers().contains("not-signed"));
        assert!(signed
            .headers()
            .any(|header| header == ("X_Underscore_Header", "not-signed")));
    }

    #[test]
    fn header_values_are_trimmed_like_python_strip() {
        let credentials = credentials();
        let headers = [("X-A", "\u{1c}\u{3000} a  b \t"), ("X-B", "")];
        let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(
            signed.canonical_headers(),
            "host:h\nx-a:a  b\nx-b:\nx-sdk-date:20240315T083000Z\n"
        );
        assert!(signed.headers().any(|header| header == ("X-A", "a  b")));
    }

    #[test]
    fn headers_differing_only_in_case_are_signed_twice_with_the_last_value() {
        // Expected values computed with huaweicloudsdkcore 3.1.219's Signer.
        let credentials = credentials();
        let headers = [("X-A", "1"), ("x-a", "2"), ("X-Sdk-Date", DATE)];
        let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.signed_headers(), "host;x-a;x-a;x-sdk-date");
        assert_eq!(
            signed.canonical_headers(),
            "host:h\nx-a:2\nx-a:2\nx-sdk-date:20240315T083000Z\n"
        );
        assert_eq!(
            signed.signature(),
            "8531b0f2a593c0ea9ef921c871531991e1816bab836a0bec3f3ea13e105acc93"
        );
    }

    #[test]
    fn exact_duplicate_header_replaces_the_value_in_place() {
        let credentials = credentials();
        let headers = [("X-A", "1"), ("X-B", "b"), ("X-A", "2")];
        let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.signed_headers(), "host;x-a;x-b;x-sdk-date");
        let sent: Vec<_> = signed.headers().take(2).collect();
        assert_eq!(sent, [("X-A", "2"), ("X-B", "b")]);
    }

    #[test]
    fn caller_date_and_host_headers_are_used_as_is() {
        let credentials = credentials();
        let headers = [("x-sdk-date", "20250101T000000Z"), ("HOST", "other:1")];
        let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.date(), "20250101T000000Z");
        assert!(signed
            .string_to_sign()
            .starts_with("SDK-HMAC-SHA256\n20250101T000000Z\n"));
        assert_eq!(
            signed.canonical_headers(),
            "host:other:1\nx-sdk-date:20250101T000000Z\n"
        );
        assert_eq!(signed.headers().len(), 3);
    }

    #[test]
    fn generated_date_and_host_are_added() {
        let credentials = credentials();
        let instant = time::macros::datetime!(2024-03-15 16:30:00 +08:00);
        let date = SdkDate::from_datetime(instant).expect("in range");
        assert_eq!(date.as_str(), DATE);
        let request = SignableRequest::new("get", "https", "h:8443", "/");
        let signed = sign(&request, &credentials, date).expect("request signs");
        assert!(signed.canonical_request().starts_with("GET\n"));
        let sent: Vec<_> = signed.headers().collect();
        assert_eq!(sent[0], (HEADER_SDK_DATE, DATE));
        assert_eq!(sent[1], ("Host", "h:8443"));
        assert_eq!(sent[2], ("Authorization", signed.authorization()));
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for text in [
            "2024315T83000Z",
            "20240315t083000z",
            "20240315T083060Z",
            "20240230T083000Z",
            "00000315T083000Z",
            "20240315T240000Z",
            " 20240315T083000Z",
            "20240315T083000",
            "２0240315T083000Z",
        ] {
            assert_eq!(
                SdkDate::parse(text),
                Err(SigningError::InvalidSdkDate {
                    value: text.to_owned()
                })
            );
            let credentials = credentials();
            let headers = [("X-Sdk-Date", text)];
            let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
            assert!(matches!(
                sign(&request, &credentials, date()),
                Err(SigningError::InvalidSdkDate { .. })
            ));
        }
        assert!(SdkDate::parse("20240229T235959Z").is_ok());
        assert!(SdkDate::parse("00010101T000000Z").is_ok());
    }

    #[test]
    fn out_of_range_instants_are_rejected() {
        let instant = time::macros::datetime!(0000-12-31 23:00:00 UTC);
        assert_eq!(
            SdkDate::from_datetime(instant),
            Err(SigningError::DateOutOfRange)
        );
        let instant = time::macros::datetime!(9999-12-31 23:00:00 -02:00);
        assert_eq!(
            SdkDate::from_datetime(instant),
            Err(SigningError::DateOutOfRange)
        );
    }

    #[test]
    fn empty_keys_are_rejected() {
        let request = SignableRequest::new("GET", "https", "h", "/");
        let no_ak = Credentials::new("", "SK");
        assert_eq!(
            sign(&request, &no_ak, date()).err(),
            Some(SigningError::MissingAccessKey)
        );
        let no_sk = Credentials::new("AK", "");
        assert_eq!(
            sign(&request, &no_sk, date()).err(),
            Some(SigningError::MissingSecretKey)
        );
    }

    #[test]
    fn security_token_from_credentials_is_sent_and_signed() {
        let credentials = credentials().with_security_token("token-value");
        let request = SignableRequest::new("GET", "https", "h", "/");
        let signed = sign_ok(&request, &credentials);
        assert_eq!(signed.signed_headers(), "host;x-sdk-date;x-security-token");
        assert!(signed
            .canonical_headers()
            .contains("x-security-token:token-value\n"));
        assert_eq!(
            signed.headers().next(),
            Some((HEADER_SECURITY_TOKEN, "token-value"))
        );
    }

    #[test]
    fn authorization_header_layout() {
        let credentials = credentials();
        let request = SignableRequest::new("GET", "https", "h", "/");
        let signed = sign_ok(&request, &credentials);
        assert_eq!(
            signed.authorization(),
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={}",
                signed.signature()
            )
        );
        assert_eq!(signed.signature().len(), 64);
        assert!(signed
            .signature()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let credentials = Credentials::new("HPUAEXAMPLEAK", "super-secret-key")
            .with_security_token("sts-token-123");
        let debug = format!("{credentials:?}");
        assert!(debug.contains("HPUAEXAMPLEAK"), "{debug}");
        assert!(!debug.contains("super-secret-key"), "{debug}");
        assert!(!debug.contains("sts-token-123"), "{debug}");
        let pretty = format!("{credentials:#?}");
        assert!(!pretty.contains("super-secret-key") && !pretty.contains("sts-token-123"));

        let headers = [
            ("X-Auth-Token", "iam-token-456"),
            ("x-security-token", "caller-token-789"),
        ];
        let request = SignableRequest::new("GET", "https", "h", "/").with_headers(&headers);
        let debug = format!("{request:?}");
        assert!(
            !debug.contains("iam-token-456") && !debug.contains("caller-token-789"),
            "{debug}"
        );

        let signed = sign_ok(&request, &credentials);
        for debug in [format!("{signed:?}"), format!("{signed:#?}")] {
            for secret in [
                "super-secret-key",
                "sts-token-123",
                "iam-token-456",
                "caller-token-789",
            ] {
                assert!(!debug.contains(secret), "{debug}");
            }
            // The signature authorises the request: hidden as well.
            assert!(!debug.contains(signed.signature()), "{debug}");
        }

        let error = SigningError::InvalidSdkDate { value: "x".into() };
        assert!(!error.to_string().contains("super-secret-key"));
    }
}
