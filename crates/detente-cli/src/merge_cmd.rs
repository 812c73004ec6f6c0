//! `detente merge`: the shards of one exploration joined into the file an unsharded run writes.

use std::path::{Path, PathBuf};

use detente_store::results::{self, Format};

use crate::sweep::warn;
use crate::{Fail, cli, write};

pub fn merge(a: cli::MergeArgs) -> Result<(), Fail> {
    let Some(out) = &a.out.output else {
        return Err(Fail::new(
            "merge needs an output file",
            Some("give one with -o, e.g. -o results.csv"),
        ));
    };
    let inputs: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    write::check_path(out, a.out.force, &inputs)?;
    let want = Format::from_path(out)?;
    for f in &a.files {
        let got = Format::from_path(f)?;
        if got != want {
            return Err(Fail::new(
                format!(
                    "{} is {} but {} would be {}",
                    f.display(),
                    got.name(),
                    out.display(),
                    want.name()
                ),
                Some("merge keeps the format: give an output name with the inputs' extension"),
            ));
        }
    }
    let tmp = write::temp_beside(out)?;
    let done = results::merge(&a.files, tmp.path())?;
    write::persist(tmp, out, a.out.force)?;
    warn(&format!(
        "merged {} file(s): {} runs x {} columns into {}",
        done.inputs,
        done.runs,
        done.columns,
        out.display()
    ));
    Ok(())
}
