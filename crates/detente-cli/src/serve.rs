//! `detente serve`: the local web application (crate `detente-web`, `docs/web.md`).

use std::io::Write as _;

use clap::Args;

use crate::Fail;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 8765)]
    pub port: u16,
    /// Address to listen on. The default, 127.0.0.1, serves this machine only; any other
    /// address lets everyone who can reach it use the application and run models here.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Also answer to this host name (or address) in the `Host` header, e.g. the machine's
    /// name on the network when serving on 0.0.0.0; repeatable. Loopback names and the
    /// address served on are always allowed.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Wall time one run of the page may compute (e.g. 30s, 500ms, 2m); `none` for no limit.
    #[arg(long, value_name = "TIME", default_value = "30s", value_parser = parse_budget)]
    pub run_budget: Budget,
}

/// `--run-budget`: a duration, or none.
#[derive(Debug, Clone, Copy)]
pub struct Budget(pub Option<std::time::Duration>);

fn parse_budget(s: &str) -> Result<Budget, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(Budget(None));
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" | "" => 1.0,
        "m" | "min" => 60.0,
        _ => {
            return Err(format!(
                "unknown unit `{unit}`: write e.g. 30s, 500ms or 2m, or none"
            ));
        }
    };
    let secs = num
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .ok_or_else(|| {
            format!("`{s}` is not a time between 1ms and 24h: write e.g. 30s, 500ms or 2m, or none")
        })?;
    Ok(Budget(Some(std::time::Duration::from_secs_f64(secs))))
}

pub fn serve(a: ServeArgs) -> Result<(), Fail> {
    let listener = detente_web::bind(&a.host, a.port).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                "another program uses this port; choose one with --port (0 picks a free one)"
            }
            std::io::ErrorKind::PermissionDenied => {
                "ports below 1024 need privileges; choose one with --port"
            }
            _ => "check --host: an address of this machine, such as 127.0.0.1",
        };
        Fail::new(
            format!("cannot listen on {}:{}: {e}", a.host, a.port),
            Some(help),
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Fail::new(format!("cannot read the listening address: {e}"), None))?;
    let url = detente_web::local_url(addr);
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "detente serves {url} (Ctrl-C stops it)");
        let _ = out.flush();
    }
    let mut config = detente_web::Config::for_addr(addr);
    for name in &a.allow_host {
        config = config.allow_host(name, addr.port());
    }
    config.limits.run_budget = a.run_budget.0;
    if !addr.ip().is_loopback() {
        let names = config.allowed_hosts.clone().unwrap_or_default().join(", ");
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: listening on {addr}, with no authentication: anyone on the network who can reach \
             this port can run models on this machine and read and edit what they upload. Requests \
             are answered only for the host names {names} (add one with --allow-host NAME)."
        );
    }
    if let Some(e) = a
        .open
        .then(|| detente_web::open_browser(&url).err())
        .flatten()
    {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: cannot open a browser ({e}); open {url} yourself"
        );
    }
    detente_web::run_until_ctrl_c(listener, config)
        .map_err(|e| Fail::new(format!("the server stopped: {e}"), None))
}
