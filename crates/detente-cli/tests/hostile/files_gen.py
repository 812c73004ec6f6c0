#!/usr/bin/env python3
"""Hostile inputs of the files-and-formats part (issue 12, part 5); run from the repository root.

Writes the small fixtures under crates/detente-cli/tests/data/hostile/ (committed):
- files_deu_duplicate_issue.tsv: the DEU header and the first row twice (one isnr, two rows).
- files_deu_two_issues.tsv: the DEU header and the first two rows (two distinct issues).
Large or binary ones (a Parquet shard with one flipped byte, a long interrupted sweep) are made
at test time by crates/detente-cli/tests/files_*.rs.
"""
import pathlib

root = pathlib.Path(__file__).resolve().parents[4]
out = root / "crates/detente-cli/tests/data/hostile"
lines = (root / "data/deu/deu3-train.tsv").read_text().splitlines(keepends=True)
out.mkdir(parents=True, exist_ok=True)
(out / "files_deu_duplicate_issue.tsv").write_text(lines[0] + lines[1] + lines[1])
(out / "files_deu_two_issues.tsv").write_text("".join(lines[:3]))
