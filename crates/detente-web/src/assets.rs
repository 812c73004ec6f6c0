//! What the server can send: its own page, script and styles, and the bundled scenarios, all
//! compiled into the binary. Nothing is read from the file system, so no request can reach a
//! file outside these.

/// A static asset: its name under `/assets/`, its content type and its bytes.
pub struct Asset {
    /// The file name under `/assets/` (`app.js`).
    pub name: &'static str,
    /// The `Content-Type` header it is served with.
    pub content_type: &'static str,
    /// The file's text.
    pub body: &'static str,
}

/// The page served at `/`.
pub const INDEX_HTML: &str = include_str!("assets/index.html");

/// Everything served under `/assets/`.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("assets/app.js"),
    },
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("assets/app.css"),
    },
    Asset {
        name: "report.css",
        content_type: "text/css; charset=utf-8",
        body: detente_report::CSS,
    },
];

/// The asset with this exact name; anything else (`..`, slashes, encodings) is not found.
pub fn asset(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// The scenarios shipped in `scenarios/`, by file stem. A test checks that this list matches
/// the directory, so a new bundled scenario cannot be forgotten here.
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "china-soe-reform",
        include_str!("../../../scenarios/china-soe-reform.toml"),
    ),
    (
        "ec-car-emissions",
        include_str!("../../../scenarios/ec-car-emissions.toml"),
    ),
    (
        "ukraine-ceasefire-2026",
        include_str!("../../../scenarios/ukraine-ceasefire-2026.toml"),
    ),
];

/// The text of the bundled scenario with this file stem.
pub fn scenario(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_list_matches_the_scenarios_directory() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("scenarios/ exists")
            .filter_map(|e| {
                let p = e.ok()?.path();
                (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(str::to_string))?
            })
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
        assert_eq!(listed, on_disk, "add the new scenario to SCENARIOS");
    }

    #[test]
    fn every_bundled_scenario_is_valid() {
        for (name, text) in SCENARIOS {
            assert!(
                detente_core::parse_toml(text).is_ok(),
                "{name} does not validate"
            );
        }
    }
}
