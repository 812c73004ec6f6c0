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
    if !addr.ip().is_loopback() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: listening on {addr}: anyone who can reach this address can use the application"
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
    detente_web::run_until_ctrl_c(listener)
        .map_err(|e| Fail::new(format!("the server stopped: {e}"), None))
}
