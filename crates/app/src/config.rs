//! Configuration in layers: built-in defaults, then a TOML file (`--config`
//! or `STOCKTAKE_CONFIG`), then `STOCKTAKE_*` environment variables, then
//! command-line flags, each overriding the one before. Every setting knows
//! where its value came from, so `stocktake config` can say; secrets (the
//! password in a database URL) never appear in what is printed or logged.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};

/// Every setting, with its default.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The database: `sqlite://FILE` (created on first use) or
    /// `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    /// The address `serve` listens on.
    pub bind: String,
    /// Changes within this percentage of the earlier figure count as a
    /// stable direction of travel.
    pub stable_band: f64,
    /// Refuse a value that would be off target (red) unless it comes with
    /// commentary, on every face.
    pub commentary_when_red: bool,
    /// A request taking longer than this is answered 408.
    pub request_timeout_seconds: u64,
    /// The largest upload or request body accepted, in MiB.
    pub upload_limit_mib: u64,
    /// How long a checked import waits for its confirmation, in minutes.
    pub upload_hold_minutes: u64,
    /// How often a server looks for other processes' writes, in seconds.
    pub change_poll_seconds: f64,
    /// How long a write waits for another writer (an import) before it is
    /// refused as busy, in seconds.
    pub write_wait_seconds: u64,
    /// SQLite only: `full` (a write acknowledged is on disk, surviving a
    /// power cut) or `normal` (faster; a power cut may lose the last writes).
    pub sqlite_synchronous: String,
    /// The address people reach Stocktake at, such as
    /// `https://stocktake.example.gov.uk`. Over `https`, cookies are marked
    /// `Secure` and browsers told to keep to HTTPS; its host name is allowed.
    pub public_url: String,
    /// The host names requests may name (comma-separated), besides the
    /// public URL's: a request for any other is refused, so a page elsewhere
    /// cannot reach Stocktake through a name it controls (DNS rebinding).
    pub allowed_hosts: String,
    /// The addresses of the reverse proxies or load balancers in front of
    /// Stocktake (comma-separated, each an address or a range such as
    /// `10.0.0.0/8`). A request from one of them is counted, for failed
    /// sign-ins, against the client its `X-Forwarded-For` names; from any
    /// other address the header is ignored, as anyone can send one.
    pub trusted_proxies: String,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: u64,
    /// A session ends this many hours after signing in, however busy.
    pub session_absolute_hours: u64,
    /// Whether viewers see figures not yet approved (marked so); by default
    /// they see approved figures only.
    pub viewers_see_unapproved: bool,
    /// Refuse a value that moves more than this percentage from the period
    /// before, either way, unless it comes with commentary; 0 turns it off.
    pub commentary_when_moved_percent: f64,
    /// The unit (its code) pages open on when none is asked for; empty for
    /// the one set in the database by `stocktake demo`, else the first top unit.
    pub home_unit: String,
    /// Years of history a target cascade shares the target by, by default.
    pub cascade_years: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: crate::DEFAULT_DATABASE_URL.to_owned(),
            bind: "127.0.0.1:8080".to_owned(),
            stable_band: stocktake_core::Judgement::default().stable_band,
            commentary_when_red: true,
            request_timeout_seconds: 60,
            upload_limit_mib: 64,
            upload_hold_minutes: 30,
            change_poll_seconds: 1.0,
            write_wait_seconds: 30,
            sqlite_synchronous: "full".to_owned(),
            public_url: String::new(),
            allowed_hosts: "localhost,127.0.0.1,[::1]".to_owned(),
            trusted_proxies: String::new(),
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            viewers_see_unapproved: false,
            commentary_when_moved_percent: 0.0,
            home_unit: String::new(),
            cascade_years: 3,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Settings");
        for (key, value) in self.values() {
            out.field(key, &value);
        }
        out.finish()
    }
}

/// The keys of [`Settings`], in the order they are printed.
pub const KEYS: [&str; 19] = [
    "database_url",
    "bind",
    "public_url",
    "allowed_hosts",
    "trusted_proxies",
    "stable_band",
    "commentary_when_red",
    "commentary_when_moved_percent",
    "viewers_see_unapproved",
    "session_idle_minutes",
    "session_absolute_hours",
    "request_timeout_seconds",
    "upload_limit_mib",
    "upload_hold_minutes",
    "change_poll_seconds",
    "write_wait_seconds",
    "sqlite_synchronous",
    "home_unit",
    "cascade_years",
];

impl Settings {
    /// Every setting as TOML, in the order of [`KEYS`]; the database
    /// password is replaced by `***`.
    pub fn values(&self) -> [(&'static str, String); 19] {
        let values = [
            toml_string(&redact_url(&self.database_url)),
            toml_string(&self.bind),
            toml_string(&self.public_url),
            toml_string(&self.allowed_hosts),
            toml_string(&self.trusted_proxies),
            self.stable_band.to_string(),
            self.commentary_when_red.to_string(),
            self.commentary_when_moved_percent.to_string(),
            self.viewers_see_unapproved.to_string(),
            self.session_idle_minutes.to_string(),
            self.session_absolute_hours.to_string(),
            self.request_timeout_seconds.to_string(),
            self.upload_limit_mib.to_string(),
            self.upload_hold_minutes.to_string(),
            self.change_poll_seconds.to_string(),
            self.write_wait_seconds.to_string(),
            toml_string(&self.sqlite_synchronous),
            toml_string(&self.home_unit),
            self.cascade_years.to_string(),
        ];
        let mut n = 0;
        values.map(|value| {
            n += 1;
            (KEYS[n - 1], value)
        })
    }

    /// The host names a request may name: the allowed hosts and the public
    /// URL's, lower case, without ports.
    pub fn host_names(&self) -> Vec<String> {
        let mut hosts: Vec<String> = self
            .allowed_hosts
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if let Some(host) = self.public_host() {
            hosts.push(host);
        }
        hosts.sort();
        hosts.dedup();
        hosts
    }

    /// The trusted proxies' addresses and ranges, as set (checked when the
    /// settings were loaded, so an entry that does not parse is not here).
    pub fn trusted_proxy_ranges(&self) -> Vec<IpRange> {
        self.trusted_proxy_entries()
            .filter_map(|entry| entry.parse().ok())
            .collect()
    }

    fn trusted_proxy_entries(&self) -> impl Iterator<Item = &str> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
    }

    /// The public URL's host name, if one is set.
    fn public_host(&self) -> Option<String> {
        let rest = self.public_url.split_once("://")?.1;
        let authority = rest.split('/').next()?;
        let host = match authority.strip_prefix('[') {
            Some(v6) => format!("[{}]", v6.split(']').next()?),
            None => authority.split(':').next()?.to_owned(),
        };
        (!host.is_empty()).then(|| host.to_ascii_lowercase())
    }

    /// Whether people reach Stocktake over HTTPS (the public URL says so).
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes.saturating_mul(60))
    }

    pub fn session_absolute(&self) -> Duration {
        Duration::from_secs(self.session_absolute_hours.saturating_mul(3600))
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_seconds)
    }

    pub fn upload_limit_bytes(&self) -> usize {
        usize::try_from(self.upload_limit_mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }

    pub fn upload_hold(&self) -> Duration {
        Duration::from_secs(self.upload_hold_minutes.saturating_mul(60))
    }

    pub fn change_poll(&self) -> Duration {
        Duration::from_secs_f64(self.change_poll_seconds)
    }

    pub fn write_wait(&self) -> Duration {
        Duration::from_secs(self.write_wait_seconds)
    }

    pub fn sqlite_sync(&self) -> stocktake_store::SqliteSync {
        self.sqlite_synchronous.parse().unwrap_or_default()
    }

    /// Problems with values that parse but make no sense.
    fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if !(0.0..100.0).contains(&self.stable_band) {
            problems.push(format!(
                "stable_band = {} must be at least 0 and below 100 (a percentage)",
                self.stable_band
            ));
        }
        for (key, value) in [
            ("request_timeout_seconds", self.request_timeout_seconds),
            ("upload_limit_mib", self.upload_limit_mib),
            ("upload_hold_minutes", self.upload_hold_minutes),
            ("session_idle_minutes", self.session_idle_minutes),
            ("session_absolute_hours", self.session_absolute_hours),
        ] {
            if value == 0 {
                problems.push(format!("{key} = 0 must be at least 1"));
            }
        }
        if let Err(why) = self
            .sqlite_synchronous
            .parse::<stocktake_store::SqliteSync>()
        {
            problems.push(why);
        }
        if !(1..=10).contains(&self.cascade_years) {
            problems.push(format!(
                "cascade_years = {} must be between 1 and 10",
                self.cascade_years
            ));
        }
        if !(0.0..=3600.0).contains(&self.change_poll_seconds) {
            problems.push(format!(
                "change_poll_seconds = {} must be between 0 and 3600",
                self.change_poll_seconds
            ));
        }
        if !(0.0..=1000.0).contains(&self.commentary_when_moved_percent) {
            problems.push(format!(
                "commentary_when_moved_percent = {} must be between 0 (off) and 1000",
                self.commentary_when_moved_percent
            ));
        }
        if !self.public_url.is_empty()
            && (self.public_host().is_none()
                || !(self.public_url.starts_with("https://")
                    || self.public_url.starts_with("http://")))
        {
            problems.push(format!(
                "public_url = {:?} must be an address such as https://stocktake.example.gov.uk",
                self.public_url
            ));
        }
        for entry in self.trusted_proxy_entries() {
            if let Err(why) = entry.parse::<IpRange>() {
                problems.push(format!("trusted_proxies: {why}"));
            }
        }
        if self.host_names().is_empty() {
            problems.push(
                "allowed_hosts is empty and no public_url is set: no request could be answered"
                    .to_owned(),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// An address, or a range of them written `ADDRESS/PREFIX` (CIDR), such as
/// `10.0.0.0/8` or `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Whether `address` is in the range. An IPv4 address written as IPv6
    /// (`::ffff:10.0.0.1`) is taken as the IPv4 address it is.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(a)) => {
                masked(u128::from(u32::from(a)), 32, self.prefix)
                    == masked(u128::from(u32::from(network)), 32, self.prefix)
            }
            (IpAddr::V6(network), IpAddr::V6(a)) => {
                masked(u128::from(a), 128, self.prefix)
                    == masked(u128::from(network), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// The first `prefix` bits of a `bits`-bit address.
fn masked(address: u128, bits: u32, prefix: u8) -> u128 {
    let kept = u32::from(prefix).min(bits);
    if kept == 0 {
        0
    } else {
        address >> (bits - kept)
    }
}

impl std::str::FromStr for IpRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = address.parse::<IpAddr>().map_err(|_| {
            format!("{text:?} is not an address or a range: give it as 10.0.0.5, 10.0.0.0/8 or 2001:db8::/32")
        })?;
        let network = network.to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= bits).ok_or_else(|| {
                format!("{text:?}: the prefix after / must be a number from 0 to {bits}")
            })?,
        };
        Ok(IpRange { network, prefix })
    }
}

/// The prefix of the environment variables that set settings.
const ENV_PREFIX: &str = "STOCKTAKE_";

/// Settings given as command-line flags; `None` leaves the layer below.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stable_band: Option<f64>,
}

impl Provider for Flags {
    fn metadata(&self) -> Metadata {
        Metadata::named("command-line flag").interpolater(|_, keys| {
            let flag = match keys.join(".").as_str() {
                "database_url" => "db".to_owned(),
                other => other.replace('_', "-"),
            };
            format!("--{flag}")
        })
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Serialized::defaults(self).data()
    }
}

/// Settings read from every layer, with where each came from.
pub struct Loaded {
    pub settings: Settings,
    figment: Figment,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

impl Loaded {
    /// Reads the layers: defaults, the file (if named), the environment, the flags.
    pub fn load(file: Option<&Path>, flags: Flags) -> Result<Loaded, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError(format!(
                    "the configuration file {} does not exist: create it or correct --config / STOCKTAKE_CONFIG",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let figment = figment
            .merge(Env::prefixed(ENV_PREFIX).only(&KEYS))
            .merge(flags);
        let settings: Settings = figment.extract().map_err(|e| ConfigError(describe(&e)))?;
        settings.check().map_err(ConfigError)?;
        Ok(Loaded { settings, figment })
    }

    /// Where a setting's value came from, in words: "default", "file
    /// /etc/stocktake.toml", "environment variable STOCKTAKE_BIND", "flag --bind".
    pub fn source(&self, key: &str) -> String {
        let Some(metadata) = self.figment.find_metadata(key) else {
            return "default".to_owned();
        };
        let native = metadata.interpolate(&Profile::Default, &[key]);
        match &metadata.source {
            Some(figment::Source::File(path)) => format!("file {}", path.display()),
            _ if metadata.name.starts_with("command-line") => format!("flag {native}"),
            _ if metadata.name.contains("environment") => {
                format!(
                    "environment variable {ENV_PREFIX}{}",
                    key.to_ascii_uppercase()
                )
            }
            _ => "default".to_owned(),
        }
    }

    /// The effective configuration as TOML, each line saying where its value
    /// came from; the database password is replaced by `***`.
    pub fn describe(&self) -> String {
        let lines: Vec<String> = self
            .settings
            .values()
            .iter()
            .map(|(key, value)| format!("{key} = {value}"))
            .collect();
        let width = lines.iter().map(String::len).max().unwrap_or(0);
        let mut out = String::from(
            "# Stocktake's effective configuration: defaults, then the file, then\n\
             # STOCKTAKE_* environment variables, then flags. Each line says where it came from.\n",
        );
        for (line, key) in lines.iter().zip(KEYS) {
            out.push_str(&format!("{line:width$}  # {}\n", self.source(key)));
        }
        out
    }
}

/// A TOML string literal.
fn toml_string(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The URL with any password replaced, fit for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// A figment error in one sentence, naming the setting and where it was set.
fn describe(error: &figment::Error) -> String {
    let mut out = Vec::new();
    for e in error.clone() {
        let key = e.path.join(".");
        let place = e
            .metadata
            .as_ref()
            .map(|m| match &m.source {
                Some(figment::Source::File(path)) => format!(" in {}", path.display()),
                _ if m.name.contains("environment") => {
                    format!(" ({ENV_PREFIX}{})", key.to_ascii_uppercase())
                }
                _ => format!(" ({})", m.interpolate(&Profile::Default, &e.path)),
            })
            .unwrap_or_default();
        let what = match &e.kind {
            figment::error::Kind::UnknownField(field, _) => format!(
                "unknown setting {field:?}: the settings are {}",
                KEYS.join(", ")
            ),
            other => other.to_string(),
        };
        if key.is_empty() {
            out.push(format!("{what}{place}"));
        } else {
            out.push(format!("{key}{place}: {what}"));
        }
    }
    out.join("; ")
}

/// Where `stocktake` looks for a configuration file when none is named.
pub fn config_file(named: Option<PathBuf>) -> Option<PathBuf> {
    named.or_else(|| std::env::var_os("STOCKTAKE_CONFIG").map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db.example/stocktake"),
            "postgres://app:***@db.example/stocktake"
        );
        assert_eq!(redact_url("sqlite://data/a@b.db"), "sqlite://data/a@b.db");
        let settings = Settings {
            database_url: "postgres://app:s3cret@db/stocktake".into(),
            ..Settings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    fn each_layer_overrides_the_one_before_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("stocktake.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:9000\"\nstable_band = 5\n").unwrap();
        let loaded = Loaded::load(
            Some(&file),
            Flags {
                stable_band: Some(3.0),
                ..Flags::default()
            },
        )
        .unwrap();
        assert_eq!(loaded.settings.bind, "0.0.0.0:9000");
        assert_eq!(loaded.settings.stable_band, 3.0);
        assert_eq!(loaded.settings.upload_limit_mib, 64);
        assert_eq!(loaded.source("bind"), format!("file {}", file.display()));
        assert_eq!(loaded.source("stable_band"), "flag --stable-band");
        assert_eq!(loaded.source("upload_limit_mib"), "default");
        let text = loaded.describe();
        assert!(text.contains("stable_band = 3"), "{text}");
        assert!(text.contains("# flag --stable-band"), "{text}");
    }

    #[test]
    fn an_unknown_setting_in_the_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("stocktake.toml");
        std::fs::write(&file, "bnid = \"0.0.0.0:9000\"\n").unwrap();
        let Err(err) = Loaded::load(Some(&file), Flags::default()) else {
            panic!("an unknown setting is refused");
        };
        let text = err.to_string();
        assert!(text.contains("unknown setting \"bnid\""), "{text}");
        assert!(text.contains("bind"), "{text}");
    }

    #[test]
    fn nonsense_values_are_refused() {
        let Err(err) = Loaded::load(
            None,
            Flags {
                stable_band: Some(-1.0),
                ..Flags::default()
            },
        ) else {
            panic!("a negative band is refused");
        };
        assert!(
            err.to_string()
                .contains("stable_band = -1 must be at least 0")
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges_and_anything_else_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("stocktake.toml");
        std::fs::write(
            &file,
            "trusted_proxies = \"10.0.0.0/8, 192.168.1.7, 2001:db8::/32\"\n",
        )
        .unwrap();
        let loaded = Loaded::load(Some(&file), Flags::default()).unwrap();
        let ranges = loaded.settings.trusted_proxy_ranges();
        assert_eq!(ranges.len(), 3);
        let trusted = |a: &str| ranges.iter().any(|r| r.contains(a.parse().unwrap()));
        assert!(trusted("10.200.3.4"));
        assert!(
            trusted("::ffff:10.0.0.1"),
            "an IPv4 address written as IPv6"
        );
        assert!(trusted("192.168.1.7"));
        assert!(
            !trusted("192.168.1.8"),
            "a lone address is that address only"
        );
        assert!(!trusted("11.0.0.1"));
        assert!(trusted("2001:db8:ffff::1"));
        assert!(!trusted("2001:db9::1"));
        assert!(
            Settings::default().trusted_proxy_ranges().is_empty(),
            "none by default"
        );
        let everything: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains("203.0.113.9".parse().unwrap()));
        assert!(
            !everything.contains("2001:db8::1".parse().unwrap()),
            "a v4 range holds no v6 address"
        );

        std::fs::write(&file, "trusted_proxies = \"10.0.0.0/33, proxy.internal\"\n").unwrap();
        let Err(err) = Loaded::load(Some(&file), Flags::default()) else {
            panic!("nonsense proxies are refused");
        };
        let text = err.to_string();
        assert!(
            text.contains(
                "trusted_proxies: \"10.0.0.0/33\": the prefix after / must be a number from 0 to 32"
            ),
            "{text}"
        );
        assert!(
            text.contains("trusted_proxies: \"proxy.internal\" is not an address or a range: give it as 10.0.0.5, 10.0.0.0/8 or 2001:db8::/32"),
            "{text}"
        );
    }
}
