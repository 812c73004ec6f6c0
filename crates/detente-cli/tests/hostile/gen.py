#!/usr/bin/env python3
"""Full-size hostile inputs of issue 12 (parts 1, 2 and 6), for measuring time and memory by hand.

    python3 crates/detente-cli/tests/hostile/gen.py DIR
    /usr/bin/time -f "%e s %M KB" target/release/detente check DIR/dup40000.csv

Nothing here is committed output: the tests (crates/detente-cli/tests/hostile.rs) make smaller
versions of the same files at test time. Files written to DIR:
- dup5000.csv, dup10000.csv, dup40000.csv: classic tables whose rows all name one actor
  (before the fix, check took 1.9 / 6.1 / 115 s).
- bad20k.toml: 20,000 actors, each with a salience of 1.4 (before: still running at 120 s).
- big.csv: a 16 MiB classic table of distinct actors (before: import peaked at 6.8 GB, check at
  3.0 GB).
- big16.toml: a scenario just under 16 MiB (one issue, many actors).
- wide.toml: 2,000 issues x 2,001 actors in 0.2 MB (4 million actor-issue pairs).
- evil.toml, evil.csv: terminal controls in a name and in a table row.
"""
import pathlib
import sys

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
out.mkdir(parents=True, exist_ok=True)
HEADER = "Actor,Capability,Position,Salience\n"

for n in (5000, 10000, 40000):
    (out / f"dup{n}.csv").write_text(HEADER + "Same,1,50,0.5\n" * n)

actor = '[[actor]]\nid = "a{i}"\ncapability = 1\nposition = {{ x = 50 }}\nsalience = {{ x = {s} }}\n'
head = 'format = 1\n[scenario]\nname = "hostile"\n[[issue]]\nid = "x"\n'
(out / "bad20k.toml").write_text(head + "".join(actor.format(i=i, s=1.4) for i in range(20000)))

with open(out / "big.csv", "w") as f:
    f.write(HEADER)
    i = 0
    while f.tell() < 16 * 1024 * 1024 - 64:
        f.write(f"Actor {i},0.{i % 97 + 1},{i % 100},0.{i % 9 + 1}\n")
        i += 1

with open(out / "big16.toml", "w") as f:
    f.write(head)
    i = 0
    while f.tell() < 16 * 1024 * 1024 - 256:
        f.write(actor.format(i=i, s=0.5))
        i += 1

wide = ['format = 1\n[scenario]\nname = "wide"\n']
wide += [f'[[issue]]\nid = "i{i}"\n' for i in range(2000)]
wide += [f'[[actor]]\nid = "a{a}"\ncapability = 1\nposition = {{ i0 = 1 }}\nsalience = {{ i0 = 0.5 }}\n'
         for a in range(2001)]
(out / "wide.toml").write_text("".join(wide))

(out / "evil.toml").write_text(
    head.replace('"hostile"', '"evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202egnp.exe"')
    + actor.format(i=0, s=0.5) + actor.format(i=1, s=0.4).replace("x = 50", "x = 90"))
(out / "evil.csv").write_text(HEADER + "Evil\x1b[2J\x07,1,50,1.4\nOther,1,20,0.5\n")
print(f"wrote {len(list(out.iterdir()))} files to {out}")
