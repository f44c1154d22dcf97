//! The command line: every subcommand and flag.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
#[cfg(feature = "sim")]
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::domain::number::Status;

/// `--status`: a status in any case; anything else is a usage error that
/// lists the valid values.
fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| {
        let valid: Vec<&str> = Status::ALL.iter().map(|st| st.as_str()).collect();
        format!("use one of {} (any case)", valid.join(", "))
    })
}

pub const EXIT_CODES: &str = "Exit codes: 0 success; 1 error (bad config, failed job, unreachable host); \
2 usage (a mistyped command line); \
3 stopped for confirmation (the cooling guard tripped: re-run with --force; purge or delete without --yes); \
4 refused (read-only); 5 partial (a refresh where some families failed); 70 internal error; \
130 a second Ctrl-C; 141 stdout's reader went away (`| head`; quiet, as a shell shows SIGPIPE).";

#[derive(Parser, Debug)]
#[command(name = "switchboard", version, about = "Terminal dashboard for voice number estates: AudioCodes ARM, Live Platform Operator Connect, Avaya AXP", after_help = EXIT_CODES)]
pub struct Cli {
    /// Config file (else $SWITCHBOARD_CONFIG, else the XDG config dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Store file, overriding the config's store_path ($SWITCHBOARD_STORE).
    #[arg(long, global = true, value_name = "PATH", env = "SWITCHBOARD_STORE")]
    pub store: Option<PathBuf>,
    /// Refuse every write, local and remote.
    #[arg(long, global = true)]
    pub read_only: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the dashboard (the default).
    Tui(TuiArgs),
    /// Open the dashboard on the embedded simulator with a temporary store.
    #[cfg(feature = "sim")]
    Demo(TuiArgs),
    /// Serve the simulated vendor APIs on loopback.
    #[cfg(feature = "sim")]
    Sim {
        /// Address to listen on, e.g. 127.0.0.1:8700 (port 0 picks one).
        #[arg(long, default_value = "127.0.0.1:8700")]
        listen: SocketAddr,
        /// Scenario file (TOML); the embedded demo scenario by default.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Print a config file pointing at this simulator, then serve. It
        /// holds the simulator's demo secrets as literals, which the config
        /// loader accepts only from a file no one else can read: save it
        /// with --write-config, or `chmod 600` the file you redirect it to.
        #[arg(long, conflicts_with = "write_config")]
        print_config: bool,
        /// Write a config file pointing at this simulator to PATH (mode
        /// 0600, ready for --config PATH), then serve. Its store is PATH
        /// with the extension .db (sim.toml: sim.db), or .store.db when PATH
        /// ends in .db. An existing file or symlink at PATH is refused
        /// unless --force; a missing directory before anything listens.
        #[arg(long, value_name = "PATH")]
        write_config: Option<PathBuf>,
        /// With --write-config: replace what is at PATH.
        #[arg(long, requires = "write_config")]
        force: bool,
        /// Serve HTTPS with this PEM certificate (chain), e.g. one signed
        /// by a private CA, to try `ca_file`; needs --tls-key.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Built without the simulator: `demo` and `sim` are still recognised,
    /// so that a person who types them is told why they do not work.
    #[cfg(not(feature = "sim"))]
    #[command(name = "demo", alias = "sim", hide = true, disable_help_flag = true)]
    NoSimulator {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        ignored: Vec<String>,
    },
    /// Check the config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List or test connections.
    #[command(subcommand)]
    Connections(ConnectionsCommand),
    /// Sync registered users into the number inventory.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// PurgeAudioCodes__<name>: forget cached users, cool the connection's numbers.
    #[command(subcommand)]
    Purge(PurgeCommand),
    /// Release every Cooling number whose release date has come.
    Sweep {
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
    /// Audit Number Inventory: AudioCodes numbers against the last snapshots.
    Audit {
        /// Apply the sync rules to each finding.
        #[arg(long)]
        fix: bool,
        /// Print the job's result as JSON (keys: state, summary, error,
        /// result; summary and error null when absent; result.findings).
        #[arg(long)]
        json: bool,
        /// Leave out the findings table's header row.
        #[arg(long)]
        no_header: bool,
    },
    /// List the number inventory, or change it (see the subcommands).
    Numbers(NumbersArgs),
    /// Calling profiles from the store (refresh with `refresh live-platform`).
    Profiles {
        /// Only profiles with a health problem.
        #[arg(long)]
        problems: bool,
        /// One JSON array, an object per profile: connection, profile (the
        /// calling profile as Live Platform sent it), problems (a list of
        /// {problem, ...} marks; empty when healthy).
        #[arg(long)]
        json: bool,
        /// Leave out the table's header row.
        #[arg(long)]
        no_header: bool,
    },
    /// Operator Connect services from the store.
    Services {
        /// One JSON array of the stored services, each as Live Platform
        /// sent it (its keys: CustomerShortName, CustomerFullName,
        /// LicenseType, LicensedUsersCount, ActiveUserCount, MsTenantId, ...).
        #[arg(long)]
        json: bool,
        /// Leave out the table's header row.
        #[arg(long)]
        no_header: bool,
    },
    /// Operator Connect leads from the store.
    Leads {
        /// One JSON array of the stored leads, each as Live Platform sent
        /// it (its keys: id, status, tenantId, contactDetails, ...).
        #[arg(long)]
        json: bool,
        /// Leave out the table's header row.
        #[arg(long)]
        no_header: bool,
    },
    /// Operator Connect actions on Live Platform.
    #[command(subcommand)]
    Oc(OcCommand),
    /// Fetch from a vendor into the store.
    #[command(subcommand)]
    Refresh(RefreshCommand),
    /// AXP Voice Admin: list, get, create, update, delete, actions, CM sync.
    /// FAMILY is the resource's path segment (aco-elements, phone-numbers,
    /// communication-managers, ...); nested families take --parent CM_ID.
    #[command(subcommand)]
    Voice(VoiceCommand),
    /// Run schedules and the cooling sweep headless (for systemd or cron).
    Worker {
        /// One round (sweep if due, due schedules), wait for it, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Recent jobs from every process using the store, newest first.
    Jobs {
        /// How many jobs to list (1 or more).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
        /// One JSON array, an object per job: id, kind, target, state
        /// (queued, running, succeeded, partial, failed, cancelled),
        /// created_at, started_at, ended_at (RFC 3339 or null), done, total,
        /// summary, error (null when empty).
        #[arg(long)]
        json: bool,
        /// Leave out the table's header row.
        #[arg(long)]
        no_header: bool,
    },
}

#[derive(Args, Debug, Default)]
pub struct TuiArgs {
    /// Enable mouse support (off by default so the terminal's own selection works).
    #[arg(long)]
    pub mouse: bool,
    /// The tab to open on (in any case).
    #[arg(
        long,
        ignore_case = true,
        value_parser = PossibleValuesParser::new(["connections", "numbers", "profiles", "voice", "jobs"])
            .map(|tab| tab.to_ascii_lowercase())
    )]
    pub tab: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validate, resolve secrets, list connections with secrets masked.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum ConnectionsCommand {
    /// Every configured connection, then those made in switchboard.
    List {
        /// One JSON array, an object per connection: name, vendor, source
        /// ("config" or "store"), address, auth, read_only, tls_verify,
        /// ca_file (null when none), stale (what the last refresh could
        /// not fetch: kind, refreshed_at (null when never), failed_at,
        /// error).
        #[arg(long)]
        json: bool,
        /// Leave out the table's header row.
        #[arg(long)]
        no_header: bool,
    },
    /// Authenticate with a call that needs the credentials (for an ARM: a
    /// users page of one) and report the remote version, or the error.
    Test { name: String },
    /// Fetch one users page of an ARM and show how Switchboard reads it:
    /// where the list and total were found, the page size the server used,
    /// and the first users' fields with the number(s), status and id read.
    /// Reads only.
    Probe {
        name: String,
        /// The probe as JSON (vendor text exact).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PurgeCommand {
    /// Purge an AudioCodes connection; its numbers cool by the usual rule.
    Audiocodes {
        name: String,
        /// Confirm: without it nothing is done.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum OcCommand {
    /// Create an OC Essential service from a lead (the request body as JSON,
    /// with the vendor's field names). Exit 0 with --wait only when the task
    /// ends CompletedSuccess.
    CreateService {
        #[arg(long)]
        file: PathBuf,
        /// The Live Platform connection (default: the only one).
        #[arg(long)]
        connection: Option<String>,
        /// Poll the task to its end, printing its messages.
        #[arg(long)]
        wait: bool,
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RefreshCommand {
    /// Calling profiles, services and leads of a Live Platform connection.
    ///
    /// Each of the three is fetched and stored on its own. Exit codes: 0 all
    /// refreshed; 5 partial (what failed keeps its previous items and is
    /// marked stale; `connections list` shows it); 1 nothing refreshed
    /// (the store is unchanged).
    LivePlatform {
        name: String,
        /// The job's result as one JSON object: state, summary, error (null
        /// when all refreshed), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
    /// Every AXP Voice family of an AXP connection.
    ///
    /// Each family is fetched and stored on its own. Exit codes: 0 all
    /// refreshed; 5 partial (a family that failed, such as a 404 for an
    /// account without MS Teams elements, keeps its previous items and is
    /// marked stale; `connections list` shows it); 1 nothing refreshed (the
    /// store is unchanged).
    Axp {
        name: String,
        /// The job's result as one JSON object: state, summary, error (null
        /// when all refreshed), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
}

/// Where a voice command acts: the AXP connection (default: the only one)
/// and, for families under a Communication Manager, its id.
#[derive(Args, Debug, Clone)]
pub struct VoiceTarget {
    /// The AXP connection (default: the only one).
    #[arg(long)]
    pub connection: Option<String>,
    /// The Communication Manager id, for reason-codes, voice-plans,
    /// extensions, skills and jobs under it.
    #[arg(long)]
    pub parent: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum VoiceCommand {
    /// Every item of a family, fetched live, every page.
    List {
        family: String,
        #[command(flatten)]
        target: VoiceTarget,
        /// A query filter KEY=VALUE (available-phone-numbers: countryCode,
        /// type, areaCode, phoneNumber); repeatable.
        #[arg(long = "filter")]
        filters: Vec<String>,
        /// The items as one JSON array, each as the API sent it.
        #[arg(long)]
        json: bool,
        /// Leave out the table's header row.
        #[arg(long)]
        no_header: bool,
    },
    /// One item as JSON.
    Get {
        family: String,
        id: String,
        #[command(flatten)]
        target: VoiceTarget,
    },
    /// Create an item from a JSON body; --wait follows a 202 until it settles.
    Create {
        family: String,
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        target: VoiceTarget,
        #[arg(long)]
        wait: bool,
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
    /// Replace an item with a JSON body (the webhook takes no ID).
    Update {
        family: String,
        id: Option<String>,
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        target: VoiceTarget,
        #[arg(long)]
        wait: bool,
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
    /// Delete an item (confirm with --yes); --force for a location
    /// profile's forceDelete.
    Delete {
        family: String,
        id: String,
        #[command(flatten)]
        target: VoiceTarget,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        wait: bool,
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
    /// A family's extra action: phone-numbers validate|list|getByPhoneNumbers
    /// (--file with a JSON list), avaya-aura-device-services discoveryUrl,
    /// hybrid-cloud-gateway-systems pushConfig ID, jobs details|entity-details|abort ID,
    /// outbound-routing-rules priorities (--file with the rules).
    Action {
        family: String,
        action: String,
        id: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        target: VoiceTarget,
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
    /// Sync entities of a Communication Manager from Aura.
    SyncCm {
        cm: String,
        /// AGENT, EXTENSION, VDN, REASONCODE_AUX, REASONCODE_LOGOUT,
        /// SYSTEM_PARAMETER_FEATURES (comma-separated).
        #[arg(long, value_delimiter = ',', required = true)]
        entities: Vec<String>,
        /// The job's name (default: switchboard-sync and the time).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        connection: Option<String>,
        #[arg(long)]
        wait: bool,
        /// The job's result as one JSON object: state, summary, error (null
        /// when it succeeded), result (its detail, or null).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct NumbersArgs {
    #[command(subcommand)]
    pub command: Option<NumbersCommand>,
    /// Only this status (Used, Cooling, Available, Reserved, Used-Utility,
    /// Inactive; any case).
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// Only this vendor (AudioCodes, Microsoft, ...).
    #[arg(long)]
    pub vendor: Option<String>,
    /// Number prefix or substring, tag or registered user.
    #[arg(long)]
    pub filter: Option<String>,
    /// One JSON array (keys: number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV with a header row, same columns as the JSON keys.
    #[arg(long)]
    pub csv: bool,
    /// Leave out the table's header row (the CSV keeps its header: it is
    /// what `numbers import` reads).
    #[arg(long)]
    pub no_header: bool,
}

#[derive(Subcommand, Debug)]
pub enum NumbersCommand {
    /// Add FROM..=TO as Available (at most 100,000; existing numbers are left alone).
    AddRange { from: String, to: String },
    /// Add the numbers of a CSV file; numbers already in the inventory are left alone.
    ///
    /// The header names any of the columns `numbers --csv` writes, in any case and order:
    /// number (required), status, usage, vendor, tag, release_date (YYYY-MM-DD, required
    /// for Cooling); connection, registered_user and last_seen are read and ignored (they
    /// say where a sync saw the number; the next sync sets them). Or no header and one
    /// number per line.
    ///
    /// Quoted fields may hold commas, quotes and line breaks; a UTF-8 BOM and CRLF line
    /// ends are read. Tags are taken exactly, other values trimmed. A usage, vendor or tag
    /// that `numbers --csv` wrote with a leading ' (before =, +, -, @, TAB or CR, so that a
    /// spreadsheet shows text rather than running a formula) is read without that '.
    ///
    /// All or nothing: one bad line imports nothing, and every bad line is listed by its
    /// line in the file.
    Import { file: PathBuf },
    /// Release Cooling numbers now.
    Release {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// Apply cooling by hand for 1 to 999 days.
    Cool {
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long)]
        days: u32,
    },
    /// Move Cooling numbers' release dates later by 1 to 999 days.
    Extend {
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long)]
        days: u32,
    },
    /// Available to Reserved.
    Reserve {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// Reserved to Available.
    Unreserve {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// Set a number's tag (an empty TEXT clears it).
    ///
    /// A sync keeps the tag while it finds the number still Used by its
    /// connection; cooling replaces it with the cooling tag, and a release
    /// or a return from Cooling clears it.
    Tag { number: String, text: String },
}

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// SyncAudioCodes__<name>: fetch every registered user, then apply.
    Audiocodes {
        name: String,
        /// Show the plan without applying it.
        #[arg(long)]
        dry_run: bool,
        /// Apply even when the cooling guard trips.
        #[arg(long)]
        force: bool,
        /// The result as one JSON object: state, summary, error (null when
        /// it succeeded), result (the sync's outcome: result, counts,
        /// conflicts, ...; or null).
        #[arg(long)]
        json: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_tab_is_taken_in_any_case_as_its_lower_case_name() {
        let cli = Cli::try_parse_from(["switchboard", "tui", "--tab", "JOBS"]).unwrap();
        match cli.command {
            Some(Command::Tui(args)) => assert_eq!(args.tab.as_deref(), Some("jobs")),
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["switchboard", "tui", "--tab", "job"]).is_err());
    }
}
