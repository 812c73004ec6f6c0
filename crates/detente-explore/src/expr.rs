//! Conditions over the columns of a table of runs, as in `detente discover FILE --where "EXPR"`.
//!
//! ```text
//! condition  := or
//! or         := and  (("or"  | "||") and)*
//! and        := not  (("and" | "&&") not)*
//! not        := ("not" | "!") not | comparison
//! comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)*
//! sum        := product (("+" | "-") product)*
//! product    := unary (("*" | "/") unary)*
//! unary      := "-" unary | primary
//! primary    := NUMBER | COLUMN | "true" | "false" | "(" or ")" | "missing" "(" sum ")"
//! ```
//!
//! - Numbers: `12`, `0.5`, `.5`, `1e-3`.
//! - Columns: a letter or `_`, then letters, digits, `_`, `.` and `-` (`us.support`,
//!   `p_renewed_24`). Since `-` may be part of a name, `a-b` is the column `a-b` when there
//!   is one, otherwise `a - b`; write spaces to be sure. Any other name can be quoted in
//!   backticks: `` `cost (bn)` > 3 ``.
//! - Chains read as in mathematics: `0.2 < x <= 0.5` is `0.2 < x and x <= 0.5`.
//! - Missing values: a column holds NaN when the run has no value (e.g. no ceasefire).
//!   **Every comparison involving NaN is false, `!=` included**, so `x != 3` and `x == 3`
//!   both exclude runs where `x` is missing, while `not (x == 3)` includes them.
//!   `missing(x)` is true exactly when `x` (or any arithmetic on it) is NaN. (`missing`
//!   not followed by `(` is an ordinary column name.)
//! - `and`, `or`, `not`, `true` and `false` are keywords, in lower case.
//! - Limits: 2,000 tokens and 64 levels of nesting, far beyond any real condition.
//!
//! Names are resolved to column indices when parsing, so evaluating a row is cheap and
//! every error (syntax, unknown column, type) is reported before any row is read.

use std::ops::Range;

use detente_core::diag::{Diagnostic, list, suggest};

/// A parsed condition; evaluate it on a row with [`Expr::eval`].
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `true` or `false` as written.
    Const(bool),
    /// `a op b`; false when either side is NaN (`!=` included). A chain is an `And` of these.
    Cmp(CmpOp, Term, Term),
    /// `missing(term)`: the term is NaN.
    Missing(Term),
    /// `not e`: a row with a missing value can satisfy it.
    Not(Box<Expr>),
    /// All of them hold (true when empty).
    And(Vec<Expr>),
    /// At least one holds (false when empty).
    Or(Vec<Expr>),
}

/// A numeric expression over the columns of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A number as written.
    Num(f64),
    /// Index into the row.
    Col(usize),
    /// `-t`.
    Neg(Box<Term>),
    /// `a op b` in IEEE arithmetic: NaN spreads, `/ 0` gives an infinity or NaN.
    Arith(ArithOp, Box<Term>, Box<Term>),
}

/// A comparison between two terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`: exact equality of the two numbers.
    Eq,
    /// `!=`: also false when a side is NaN.
    Ne,
}

/// An arithmetic operation between two terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl Expr {
    /// Whether the row satisfies the condition. A comparison with a NaN side is false.
    pub fn eval(&self, row: &[f64]) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::Cmp(op, a, b) => op.apply(a.eval(row), b.eval(row)),
            Expr::Missing(t) => t.eval(row).is_nan(),
            Expr::Not(e) => !e.eval(row),
            Expr::And(es) => es.iter().all(|e| e.eval(row)),
            Expr::Or(es) => es.iter().any(|e| e.eval(row)),
        }
    }

    /// The column indices the condition reads, sorted and without repeats.
    pub fn columns(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn collect(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Const(_) => {}
            Expr::Cmp(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Expr::Missing(t) => t.collect(out),
            Expr::Not(e) => e.collect(out),
            Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| e.collect(out)),
        }
    }
}

impl Term {
    /// The value on a row; a column past the end of the row counts as missing (NaN).
    pub fn eval(&self, row: &[f64]) -> f64 {
        match self {
            Term::Num(x) => *x,
            Term::Col(i) => row.get(*i).copied().unwrap_or(f64::NAN),
            Term::Neg(t) => -t.eval(row),
            Term::Arith(op, a, b) => {
                let (a, b) = (a.eval(row), b.eval(row));
                match op {
                    ArithOp::Add => a + b,
                    ArithOp::Sub => a - b,
                    ArithOp::Mul => a * b,
                    ArithOp::Div => a / b,
                }
            }
        }
    }

    fn collect(&self, out: &mut Vec<usize>) {
        match self {
            Term::Num(_) => {}
            Term::Col(i) => out.push(*i),
            Term::Neg(t) => t.collect(out),
            Term::Arith(_, a, b) => {
                a.collect(out);
                b.collect(out);
            }
        }
    }
}

impl CmpOp {
    fn apply(self, a: f64, b: f64) -> bool {
        if a.is_nan() || b.is_nan() {
            return false;
        }
        match self {
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        }
    }
}

/// Parses `src` and resolves its names against `columns` (index = position in the slice;
/// with repeated names the first wins).
///
/// Errors carry the byte span in `src` of the offending text and a `help` line.
pub fn parse(src: &str, columns: &[&str]) -> Result<Expr, Diagnostic> {
    let tokens = lex(src, columns)?;
    let mut p = Parser {
        src,
        columns,
        tokens,
        pos: 0,
        depth: 0,
    };
    let node = p.or()?;
    let next = p.peek();
    if next.tok != Tok::Eof {
        return Err(p.trailing(next));
    }
    cond(node, src)
}

const EXAMPLE: &str = "a comparison like `x <= 12`";
/// Limits that keep the recursive parser, and the tree it builds, far from the stack's end
/// (on a 2 MiB thread stack in a debug build).
const MAX_DEPTH: usize = 64;
const MAX_TOKENS: usize = 2000;
const KEYWORDS: [&str; 3] = ["and", "or", "not"];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    And,
    Or,
    Not,
    True,
    False,
    Cmp(CmpOp),
    Arith(ArithOp),
    LParen,
    RParen,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "true" => Tok::True,
        "false" => Tok::False,
        _ => return None,
    })
}

fn lex(src: &str, columns: &[&str]) -> Result<Vec<Token>, Diagnostic> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = src[i..].chars().next() {
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let two = src.get(i..i + 2).unwrap_or("");
        let (tok, len) = match two {
            "<=" => (Tok::Cmp(CmpOp::Le), 2),
            ">=" => (Tok::Cmp(CmpOp::Ge), 2),
            "==" => (Tok::Cmp(CmpOp::Eq), 2),
            "!=" => (Tok::Cmp(CmpOp::Ne), 2),
            "&&" => (Tok::And, 2),
            "||" => (Tok::Or, 2),
            "=<" | "=>" => {
                let fixed = if two == "=<" { "<=" } else { ">=" };
                return Err(Diagnostic::error(format!("`{two}` is not an operator"))
                    .at(i..i + 2)
                    .help(format!("write `{fixed}`")));
            }
            _ => {
                match c {
                    '<' => (Tok::Cmp(CmpOp::Lt), 1),
                    '>' => (Tok::Cmp(CmpOp::Gt), 1),
                    '!' => (Tok::Not, 1),
                    '+' => (Tok::Arith(ArithOp::Add), 1),
                    '-' => (Tok::Arith(ArithOp::Sub), 1),
                    '*' => (Tok::Arith(ArithOp::Mul), 1),
                    '/' => (Tok::Arith(ArithOp::Div), 1),
                    '(' => (Tok::LParen, 1),
                    ')' => (Tok::RParen, 1),
                    '=' => {
                        return Err(Diagnostic::error("`=` is not a comparison")
                            .at(i..i + 1)
                            .help("write `==` to test equality"));
                    }
                    '&' | '|' => {
                        let (op, word) = if c == '&' {
                            ("&&", "and")
                        } else {
                            ("||", "or")
                        };
                        return Err(Diagnostic::error(format!("`{c}` is not an operator"))
                            .at(i..i + 1)
                            .help(format!("write `{word}` or `{op}`")));
                    }
                    '`' => {
                        let Some(len) = src[i + 1..].find('`') else {
                            return Err(Diagnostic::error("unclosed backtick")
                            .at(i..src.len())
                            .help("a quoted column name ends with a second backtick: `` `name` ``"));
                        };
                        let name = &src[i + 1..i + 1 + len];
                        (Tok::Name(name.to_string()), len + 2)
                    }
                    c if c.is_ascii_digit()
                        || (c == '.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
                    {
                        let len = number_len(&src[i..]);
                        let rest = &src[i + len..];
                        let glued = rest
                            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                            .unwrap_or(rest.len());
                        let text = &src[i..i + len + glued];
                        // `3x` or `1e` would otherwise lex as a number and a stray name.
                        match text.parse::<f64>() {
                            Ok(x) if glued == 0 => (Tok::Num(x), len),
                            _ => {
                                return Err(Diagnostic::error(format!("`{text}` is not a number"))
                                .at(i..i + text.len())
                                .help("write numbers like `12`, `0.5` or `1e-3`; a column name starts with a letter or `_`, and `3 * x` multiplies"));
                            }
                        }
                    }
                    c if is_name_start(c) => {
                        let len = name_len(&src[i..], columns);
                        let word = &src[i..i + len];
                        (
                            keyword(word).unwrap_or_else(|| Tok::Name(word.to_string())),
                            len,
                        )
                    }
                    other => {
                        return Err(
                        Diagnostic::error(format!("unexpected character `{other}`"))
                            .at(i..i + other.len_utf8())
                            .help("conditions use column names, numbers, `< <= > >= == !=`, `+ - * /`, parentheses and `and`, `or`, `not`"),
                    );
                    }
                }
            }
        };
        if out.len() == MAX_TOKENS {
            return Err(Diagnostic::error(format!(
                "the condition is longer than {MAX_TOKENS} tokens"
            ))
            .at(start..src.len()));
        }
        i += len;
        out.push(Token {
            tok,
            span: start..i,
        });
    }
    out.push(Token {
        tok: Tok::Eof,
        span: src.len()..src.len(),
    });
    Ok(out)
}

/// Length of the number at the start of `s`: digits, a fraction, an exponent.
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = digits(0);
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let j = if matches!(b.get(i + 1), Some(b'+' | b'-')) {
            i + 2
        } else {
            i + 1
        };
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(j);
        }
    }
    i
}

/// Length of the name at the start of `s`. Names may contain `-`, so the longest prefix
/// ending before a `-` that is a known column or keyword wins; when none is known, the whole
/// run is one (unknown) name, so that the error quotes what was typed.
fn name_len(s: &str, columns: &[&str]) -> usize {
    let run = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let word = s[..run].trim_end_matches('-');
    if !word.contains('-') {
        return word.len();
    }
    let known = |w: &str| keyword(w).is_some() || columns.contains(&w);
    let mut cuts: Vec<usize> = word.match_indices('-').map(|(i, _)| i).collect();
    cuts.push(word.len());
    cuts.into_iter()
        .rev()
        .find(|&c| known(&word[..c]))
        .unwrap_or(word.len())
}

/// An untyped tree: conditions and numbers are told apart afterwards, since `(` may open
/// either.
#[derive(Debug)]
struct Node {
    kind: Kind,
    span: Range<usize>,
    /// Height of the tree below; bounded so that walking the tree cannot overflow the stack.
    depth: usize,
}

#[derive(Debug)]
enum Kind {
    Num(f64),
    Col(usize),
    Bool(bool),
    Neg(Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>),
    /// `a < b <= c`: operands and the operators between them.
    Cmp(Vec<Node>, Vec<CmpOp>),
    Missing(Box<Node>),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl Kind {
    fn children(&self) -> Vec<&Node> {
        match self {
            Kind::Num(_) | Kind::Col(_) | Kind::Bool(_) => vec![],
            Kind::Neg(a) | Kind::Missing(a) | Kind::Not(a) => vec![a],
            Kind::Arith(_, a, b) => vec![a, b],
            Kind::Cmp(v, _) | Kind::And(v) | Kind::Or(v) => v.iter().collect(),
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    columns: &'a [&'a str],
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Token {
        self.tokens[self.pos.min(self.tokens.len() - 1)].clone()
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn text(&self, span: &Range<usize>) -> &str {
        &self.src[span.clone()]
    }

    fn found(&self, t: &Token) -> String {
        if t.tok == Tok::Eof {
            "the end of the condition".into()
        } else {
            format!("`{}`", self.text(&t.span))
        }
    }

    fn or(&mut self) -> Result<Node, Diagnostic> {
        let mut items = vec![self.and()?];
        while self.peek().tok == Tok::Or {
            self.bump();
            items.push(self.and()?);
        }
        self.flat(items, Kind::Or)
    }

    fn and(&mut self) -> Result<Node, Diagnostic> {
        let mut items = vec![self.not()?];
        while self.peek().tok == Tok::And {
            self.bump();
            items.push(self.not()?);
        }
        self.flat(items, Kind::And)
    }

    /// One operand as itself, several as one n-ary node (so long chains stay shallow).
    fn flat(&self, mut items: Vec<Node>, kind: fn(Vec<Node>) -> Kind) -> Result<Node, Diagnostic> {
        if items.len() == 1 {
            return Ok(items.pop().expect("one item"));
        }
        let span = items[0].span.start..items[items.len() - 1].span.end;
        self.node(kind(items), span)
    }

    /// A node over its children, refused when the tree grows too tall.
    fn node(&self, kind: Kind, span: Range<usize>) -> Result<Node, Diagnostic> {
        let depth = 1 + kind.children().iter().map(|c| c.depth).max().unwrap_or(0);
        if depth > MAX_DEPTH {
            return Err(too_deep(span));
        }
        Ok(Node { kind, span, depth })
    }

    fn not(&mut self) -> Result<Node, Diagnostic> {
        if self.peek().tok == Tok::Not {
            let op = self.bump();
            let inner = self.nested(&op, Self::not)?;
            let span = op.span.start..inner.span.end;
            return self.node(Kind::Not(Box::new(inner)), span);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, Diagnostic> {
        let first = self.sum()?;
        let mut ops = Vec::new();
        let mut operands = vec![first];
        while let Tok::Cmp(op) = self.peek().tok {
            self.bump();
            ops.push(op);
            operands.push(self.sum()?);
        }
        if ops.is_empty() {
            return Ok(operands.pop().expect("one operand"));
        }
        let span = operands[0].span.start..operands[operands.len() - 1].span.end;
        self.node(Kind::Cmp(operands, ops), span)
    }

    fn sum(&mut self) -> Result<Node, Diagnostic> {
        let mut lhs = self.product()?;
        while let Tok::Arith(op @ (ArithOp::Add | ArithOp::Sub)) = self.peek().tok {
            self.bump();
            let rhs = self.product()?;
            let span = lhs.span.start..rhs.span.end;
            lhs = self.node(Kind::Arith(op, Box::new(lhs), Box::new(rhs)), span)?;
        }
        Ok(lhs)
    }

    fn product(&mut self) -> Result<Node, Diagnostic> {
        let mut lhs = self.unary()?;
        while let Tok::Arith(op @ (ArithOp::Mul | ArithOp::Div)) = self.peek().tok {
            self.bump();
            let rhs = self.unary()?;
            let span = lhs.span.start..rhs.span.end;
            lhs = self.node(Kind::Arith(op, Box::new(lhs), Box::new(rhs)), span)?;
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Node, Diagnostic> {
        if self.peek().tok == Tok::Arith(ArithOp::Sub) {
            let op = self.bump();
            let inner = self.nested(&op, Self::unary)?;
            let span = op.span.start..inner.span.end;
            return self.node(Kind::Neg(Box::new(inner)), span);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, Diagnostic> {
        let t = self.peek();
        let kind = match &t.tok {
            Tok::Num(x) => Kind::Num(*x),
            Tok::True => Kind::Bool(true),
            Tok::False => Kind::Bool(false),
            Tok::Name(n)
                if n == "missing"
                    && self.tokens.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::LParen) =>
            {
                self.bump();
                let open = self.bump();
                let inner = self.nested(&open, Self::sum)?;
                let close = self.close(&open)?;
                return self.node(Kind::Missing(Box::new(inner)), t.span.start..close.end);
            }
            Tok::Name(n) => Kind::Col(self.column(n, &t.span)?),
            Tok::LParen => {
                self.bump();
                let inner = self.nested(&t, Self::or)?;
                let close = self.close(&t)?;
                return Ok(Node {
                    span: t.span.start..close.end,
                    ..inner
                });
            }
            _ => return Err(self.expected_operand(&t)),
        };
        self.bump();
        Ok(Node {
            kind,
            span: t.span,
            depth: 0,
        })
    }

    /// Runs `f` one level deeper, refusing absurd nesting so that recursion stays shallow.
    fn nested(
        &mut self,
        at: &Token,
        f: impl FnOnce(&mut Self) -> Result<Node, Diagnostic>,
    ) -> Result<Node, Diagnostic> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(at.span.clone()));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn close(&mut self, open: &Token) -> Result<Range<usize>, Diagnostic> {
        let t = self.peek();
        if t.tok == Tok::RParen {
            self.bump();
            return Ok(t.span);
        }
        Err(
            Diagnostic::error(format!("expected `)`, found {}", self.found(&t)))
                .at(t.span.clone())
                .also(open.span.clone(), "this `(` is not closed")
                .help(if t.tok == Tok::Eof {
                    "add `)`".to_string()
                } else {
                    "close the parenthesis, or join conditions with `and` or `or`".to_string()
                }),
        )
    }

    fn column(&self, name: &str, span: &Range<usize>) -> Result<usize, Diagnostic> {
        if let Some(i) = self.columns.iter().position(|c| *c == name) {
            return Ok(i);
        }
        let mut help = String::new();
        if let Some(best) = suggest(name, self.columns.iter().copied()) {
            help.push_str(&format!("did you mean `{best}`? "));
        } else if let Some(kw) = near_keyword(name) {
            help.push_str(&format!("did you mean the keyword `{kw}`? "));
        }
        if self.columns.is_empty() {
            help.push_str("the table has no columns");
        } else {
            help.push_str(&format!("available columns: {}", list(self.columns)));
        }
        Err(Diagnostic::error(format!("unknown column `{name}`"))
            .at(span.clone())
            .help(help))
    }

    fn expected_operand(&self, t: &Token) -> Diagnostic {
        let found = self.found(t);
        let prev = self.pos.checked_sub(1).map(|i| &self.tokens[i]);
        let (msg, help) = match prev.map(|p| (&p.tok, self.text(&p.span))) {
            None if t.tok == Tok::Eof => (
                "the condition is empty".to_string(),
                format!("write {EXAMPLE}"),
            ),
            None => (
                format!("expected {EXAMPLE}, found {found}"),
                "a condition compares columns and numbers, e.g. `russia.cost_growth >= 1.03 and us.support < 0.4`".to_string(),
            ),
            Some((Tok::And | Tok::Or | Tok::Not, op)) => (
                format!("expected {EXAMPLE} after `{op}`, found {found}"),
                "`and`, `or` and `not` combine comparisons".to_string(),
            ),
            Some((Tok::Cmp(_) | Tok::Arith(_), op)) => (
                format!("expected a number or column after `{op}`, found {found}"),
                "e.g. `x <= 12`, `x + y > 1`".to_string(),
            ),
            Some((Tok::LParen, _))
                if self.pos >= 2
                    && self.tokens[self.pos - 2].tok == Tok::Name("missing".into()) =>
            {
                (
                    format!("expected a number or column after `missing(`, found {found}"),
                    "e.g. `missing(ceasefire_month)`".to_string(),
                )
            }
            Some((Tok::LParen, _)) => (
                format!("expected {EXAMPLE} or a number after `(`, found {found}"),
                "parentheses group conditions, `(a < 1 or b < 1)`, or arithmetic, `(a + b) / 2`"
                    .to_string(),
            ),
            Some((_, op)) => (
                format!("expected {EXAMPLE} after `{op}`, found {found}"),
                String::new(),
            ),
        };
        let d = Diagnostic::error(msg).at(t.span.clone());
        if help.is_empty() { d } else { d.help(help) }
    }

    fn trailing(&self, t: Token) -> Diagnostic {
        let after = self
            .pos
            .checked_sub(1)
            .map(|i| self.text(&self.tokens[i].span).to_string())
            .unwrap_or_default();
        if t.tok == Tok::RParen {
            return Diagnostic::error("unmatched `)`")
                .at(t.span)
                .help("remove it, or add the `(` it closes");
        }
        let word = self.text(&t.span).to_string();
        let help = match near_keyword(&word) {
            Some(kw) if matches!(t.tok, Tok::Name(_)) => format!("did you mean `{kw}`?"),
            _ => "join conditions with `and` or `or`, e.g. `x < 3 and y > 2`".to_string(),
        };
        Diagnostic::error(format!("unexpected `{word}` after `{after}`"))
            .at(t.span)
            .help(help)
    }
}

/// The keyword `word` is a typo of, if any: `adn`, `AND`, `nto`. Jaro-Winkler is too strict
/// for words this short, so this counts edits (optimal string alignment: a swap of neighbours
/// is one edit).
fn near_keyword(word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    if w.chars().count() < 2 {
        return None;
    }
    KEYWORDS
        .into_iter()
        .find(|k| strsim::osa_distance(&w, k) <= 1)
}

fn too_deep(span: Range<usize>) -> Diagnostic {
    Diagnostic::error(format!(
        "the condition is nested more than {MAX_DEPTH} levels deep"
    ))
    .at(span)
    .help("remove redundant parentheses, `not`s or minus signs, or split long arithmetic")
}

fn cond(node: Node, src: &str) -> Result<Expr, Diagnostic> {
    Ok(match node.kind {
        Kind::Bool(b) => Expr::Const(b),
        Kind::Not(e) => Expr::Not(Box::new(cond(*e, src)?)),
        Kind::And(v) => Expr::And(
            v.into_iter()
                .map(|e| cond(e, src))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Or(v) => Expr::Or(
            v.into_iter()
                .map(|e| cond(e, src))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Missing(t) => Expr::Missing(term(*t, src)?),
        Kind::Cmp(operands, ops) => {
            let terms = operands
                .into_iter()
                .map(|n| term(n, src))
                .collect::<Result<Vec<_>, _>>()?;
            let mut pairs: Vec<Expr> = ops
                .iter()
                .zip(terms.windows(2))
                .map(|(op, w)| Expr::Cmp(*op, w[0].clone(), w[1].clone()))
                .collect();
            if pairs.len() == 1 {
                pairs.pop().expect("one comparison")
            } else {
                Expr::And(pairs)
            }
        }
        Kind::Num(_) | Kind::Col(_) | Kind::Neg(_) | Kind::Arith(..) => {
            let text = &src[node.span.clone()];
            return Err(
                Diagnostic::error(format!("`{text}` is a number, not a condition"))
                    .at(node.span)
                    .help(format!("compare it with something, e.g. `{text} > 0`")),
            );
        }
    })
}

fn term(node: Node, src: &str) -> Result<Term, Diagnostic> {
    Ok(match node.kind {
        Kind::Num(x) => Term::Num(x),
        Kind::Col(i) => Term::Col(i),
        Kind::Neg(t) => Term::Neg(Box::new(term(*t, src)?)),
        Kind::Arith(op, a, b) => {
            Term::Arith(op, Box::new(term(*a, src)?), Box::new(term(*b, src)?))
        }
        Kind::Bool(_)
        | Kind::Cmp(..)
        | Kind::Missing(_)
        | Kind::Not(_)
        | Kind::And(..)
        | Kind::Or(..) => {
            let text = &src[node.span.clone()];
            return Err(
                Diagnostic::error(format!("`{text}` is a condition, not a number"))
                    .at(node.span)
                    .help("arithmetic and comparisons apply to numbers and columns; combine conditions with `and`, `or` and `not`"),
            );
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_typos() {
        // One insertion, deletion, substitution or swap of neighbours, in any case.
        for (word, kw) in [
            ("adn", Some("and")),
            ("AND", Some("and")),
            ("nto", Some("not")),
            ("an", Some("and")),
            ("orr", Some("or")),
            ("nor", Some("or")),
            ("ro", Some("or")),
            ("x", None),
            ("dna", None),
            ("andy", Some("and")),
            ("nots", Some("not")),
            ("xyz", None),
            ("éor", Some("or")),
        ] {
            assert_eq!(near_keyword(word), kw, "{word}");
        }
    }

    const COLS: [&str; 8] = [
        "ceasefire_month",
        "russia.cost_growth",
        "us.support",
        "emissions.outcome",
        "p_renewed_24",
        "a-b",
        "a",
        "b",
    ];

    fn row(a: f64, b: f64) -> Vec<f64> {
        vec![7.0, 1.05, 0.5, 2.0, 0.25, 100.0, a, b]
    }

    fn ev(src: &str, a: f64, b: f64) -> bool {
        parse(src, &COLS)
            .unwrap_or_else(|d| panic!("{src}: {d:?}"))
            .eval(&row(a, b))
    }

    fn err(src: &str) -> Diagnostic {
        match parse(src, &COLS) {
            Ok(e) => panic!("{src} parsed as {e:?}"),
            Err(d) => d,
        }
    }

    #[test]
    fn comparison_operators() {
        for (src, want) in [
            ("a < 2", true),
            ("a < 1", false),
            ("a <= 1", true),
            ("a <= 0.5", false),
            ("a > 0", true),
            ("a > 1", false),
            ("a >= 1", true),
            ("a >= 1.5", false),
            ("a == 1", true),
            ("a == 2", false),
            ("a != 2", true),
            ("a != 1", false),
        ] {
            assert_eq!(ev(src, 1.0, 0.0), want, "{src}");
        }
    }

    #[test]
    fn arithmetic_and_numbers() {
        assert!(ev("a + b * 2 == 7", 1.0, 3.0));
        assert!(ev("(a + b) * 2 == 8", 1.0, 3.0));
        assert!(ev("a - b - 1 == -3", 1.0, 3.0));
        assert!(ev("b / a / 2 == 0.75", 2.0, 3.0));
        assert!(ev("-a * 2 == -2", 1.0, 3.0));
        assert!(ev("--a == a", 1.0, 3.0));
        assert!(ev(
            "1e-3 * 1000 == 1 and .5 == 0.5 and 2E+2 == 200",
            0.0,
            0.0
        ));
        assert!(ev(
            "russia.cost_growth >= 1.03 and us.support >= 0.4",
            0.0,
            0.0
        ));
        assert!(ev("p_renewed_24 * 4 == 1", 0.0, 0.0));
    }

    #[test]
    fn names_with_hyphens_and_backticks() {
        // `a-b` is a column, so it is read as one name; `b-a` is not, so it subtracts.
        assert!(ev("a-b == 100", 1.0, 3.0));
        assert!(ev("a - b == -2", 1.0, 3.0));
        assert!(ev("b-a == 2", 1.0, 3.0));
        assert!(ev("a-1 == 0", 1.0, 3.0));
        assert!(ev("`a-b` == 100 and `us.support` == 0.5", 1.0, 3.0));
    }

    #[test]
    fn logic_and_precedence() {
        // not > and > or: `not A or B and C` is `(not A) or (B and C)`.
        let src = "not a < 1 or b > 2 and a > 5";
        for a in [0.0, 3.0, 6.0] {
            for b in [0.0, 3.0] {
                let want = a >= 1.0 || (b > 2.0 && a > 5.0);
                assert_eq!(ev(src, a, b), want, "a={a} b={b}");
            }
        }
        // `a or b and c` groups as `a or (b and c)`, not `(a or b) and c`.
        assert!(ev("true or true and false", 0.0, 0.0));
        assert!(!ev("(true or true) and false", 0.0, 0.0));
        assert!(ev("not false and true", 0.0, 0.0));
        assert!(!ev("not (false or true)", 0.0, 0.0));
        assert!(ev("!(a > 1) && b > 1 || false", 0.0, 3.0));
        assert!(ev("not not true", 0.0, 0.0));
        assert!(!ev("false", 0.0, 0.0));
        // Comparisons bind tighter than `not` and looser than arithmetic.
        assert!(ev("not a + 1 > 2", 0.5, 0.0));
    }

    #[test]
    fn chained_comparison() {
        assert!(ev("0 < a <= 1", 1.0, 0.0));
        assert!(!ev("0 < a <= 1", 1.5, 0.0));
        assert!(!ev("0 < a <= 1", 0.0, 0.0));
    }

    #[test]
    fn nan_makes_every_comparison_false() {
        let nan = f64::NAN;
        for op in ["<", "<=", ">", ">=", "==", "!="] {
            assert!(!ev(&format!("a {op} 1"), nan, 0.0), "a {op} 1");
            assert!(!ev(&format!("1 {op} a"), nan, 0.0), "1 {op} a");
            assert!(ev(&format!("not (a {op} 1)"), nan, 0.0), "not (a {op} 1)");
        }
        assert!(ev("missing(a)", nan, 0.0));
        assert!(!ev("missing(a)", 1.0, 0.0));
        assert!(ev("missing(a + b)", 1.0, nan));
        assert!(!ev("b / a < 1", 0.0, 0.0)); // 0/0 is NaN
        assert!(ev("a < 1 or b > 1", nan, 2.0));
        // A column past the end of a short row is missing.
        let e = parse("b < 1", &COLS).unwrap();
        assert!(!e.eval(&[0.0]));
    }

    #[test]
    fn columns_are_sorted_and_unique() {
        let e = parse("b > a and a < 3 or missing(us.support) or true", &COLS).unwrap();
        assert_eq!(e.columns(), vec![2, 6, 7]);
        assert_eq!(parse("true", &COLS).unwrap().columns(), Vec::<usize>::new());
    }

    fn check(src: &str, span: Range<usize>, msg: &str, help: &str) {
        let d = err(src);
        assert!(d.is_error());
        assert_eq!(d.span, Some(span), "{src}: {d:?}");
        assert_eq!(d.message, msg, "{src}");
        let h = d.help.unwrap_or_default();
        assert!(h.contains(help), "{src}: help {h:?} lacks {help:?}");
    }

    #[test]
    fn syntax_errors_name_the_span_and_what_was_expected() {
        check("", 0..0, "the condition is empty", "x <= 12");
        check("   ", 3..3, "the condition is empty", "x <= 12");
        check(
            "a < 1 and",
            9..9,
            "expected a comparison like `x <= 12` after `and`, found the end of the condition",
            "combine comparisons",
        );
        check(
            "a < 1 || )",
            9..10,
            "expected a comparison like `x <= 12` after `||`, found `)`",
            "",
        );
        check(
            "not",
            3..3,
            "expected a comparison like `x <= 12` after `not`, found the end of the condition",
            "",
        );
        check(
            "a <= or b",
            5..7,
            "expected a number or column after `<=`, found `or`",
            "x <= 12",
        );
        check(
            "a + * 2 > 1",
            4..5,
            "expected a number or column after `+`, found `*`",
            "",
        );
        check(
            ") > 1",
            0..1,
            "expected a comparison like `x <= 12`, found `)`",
            "",
        );
        check(
            "()",
            1..2,
            "expected a comparison like `x <= 12` or a number after `(`, found `)`",
            "",
        );
        check(
            "missing()",
            8..9,
            "expected a number or column after `missing(`, found `)`",
            "",
        );
        check(
            "a < 1 b > 2",
            6..7,
            "unexpected `b` after `1`",
            "join conditions with `and`",
        );
        check(
            "a < 1 adn b > 2",
            6..9,
            "unexpected `adn` after `1`",
            "did you mean `and`?",
        );
        check("a < 1)", 5..6, "unmatched `)`", "");
        check(
            "a < 1 AND b > 2",
            6..9,
            "unexpected `AND` after `1`",
            "did you mean `and`?",
        );
        check(
            "nto a < 1",
            0..3,
            "unknown column `nto`",
            "did you mean the keyword `not`?",
        );
        let d = err("(a < 1 or b > 2");
        assert_eq!(d.span, Some(15..15));
        assert_eq!(d.message, "expected `)`, found the end of the condition");
        assert_eq!(
            d.related,
            vec![(0..1, "this `(` is not closed".to_string())]
        );
        check(
            "(a < 1 b",
            7..8,
            "expected `)`, found `b`",
            "close the parenthesis",
        );
    }

    #[test]
    fn lexical_errors() {
        check("a = 1", 2..3, "`=` is not a comparison", "write `==`");
        check("a => 1", 2..4, "`=>` is not an operator", "write `>=`");
        check("a =< 1", 2..4, "`=<` is not an operator", "write `<=`");
        check(
            "a < 1 & b < 1",
            6..7,
            "`&` is not an operator",
            "`and` or `&&`",
        );
        check(
            "a < 1 | b < 1",
            6..7,
            "`|` is not an operator",
            "`or` or `||`",
        );
        check("a < 3x", 4..6, "`3x` is not a number", "`3 * x`");
        check("a < 1e", 4..6, "`1e` is not a number", "1e-3");
        check("a < 1.2.3", 4..9, "`1.2.3` is not a number", "");
        check("a < $", 4..5, "unexpected character `$`", "");
        // Spans are byte offsets: `≤` is three bytes.
        check("a ≤ 1", 2..5, "unexpected character `≤`", "");
        check("`a < 1", 0..6, "unclosed backtick", "");
    }

    #[test]
    fn absurd_inputs_are_refused_not_overflowed() {
        let ok = format!("{}a < 1{}", "(".repeat(63), ")".repeat(63));
        assert!(ev(&ok, 0.0, 0.0));
        let msg = "the condition is nested more than 64 levels deep";
        let deep = format!("{}a < 1{}", "(".repeat(100), ")".repeat(100));
        check(&deep, 64..65, msg, "redundant parentheses");
        check(&format!("{}true", "not ".repeat(100)), 256..259, msg, "");
        check(&format!("{}a < 1", "-".repeat(100)), 64..65, msg, "");
        // Left-nested arithmetic grows the tree without recursion in the parser.
        let sum = format!("{} < 1", vec!["a"; 70].join(" + "));
        check(&sum, 0..261, msg, "split long arithmetic");
        let long = vec!["a < 1"; 1000].join(" and ");
        let d = err(&long);
        assert_eq!(d.message, "the condition is longer than 2000 tokens");
        // Just under the limit: a long flat chain parses and evaluates.
        let ok = vec!["a < 1"; 400].join(" or ");
        assert!(ev(&ok, 0.0, 0.0));
    }

    #[test]
    fn unknown_columns_suggest_and_list() {
        check(
            "us.suport >= 0.4",
            0..9,
            "unknown column `us.suport`",
            "did you mean `us.support`?",
        );
        let d = err("a < 1 and zzz > 1");
        assert_eq!(d.span, Some(10..13));
        assert_eq!(d.message, "unknown column `zzz`");
        let h = d.help.unwrap();
        assert!(!h.contains("did you mean"), "{h}");
        assert!(
            h.contains("available columns: `ceasefire_month`, `russia.cost_growth`"),
            "{h}"
        );
        // A hyphenated name that matches nothing is quoted whole.
        check("us-suport > 1", 0..9, "unknown column `us-suport`", "");
        check("`cost (bn)` > 1", 0..11, "unknown column `cost (bn)`", "");
        let d = parse("x > 1", &[]).unwrap_err();
        assert!(d.help.unwrap().contains("no columns"));
    }

    #[test]
    fn type_errors() {
        check(
            "a + 1",
            0..5,
            "`a + 1` is a number, not a condition",
            "`a + 1 > 0`",
        );
        check(
            "ceasefire_month",
            0..15,
            "`ceasefire_month` is a number, not a condition",
            "",
        );
        check(
            "a < 1 and b",
            10..11,
            "`b` is a number, not a condition",
            "",
        );
        check(
            "not (a * 2)",
            4..11,
            "`(a * 2)` is a number, not a condition",
            "",
        );
        check(
            "(a < 1) + 2 > 0",
            0..7,
            "`(a < 1)` is a condition, not a number",
            "",
        );
        check("a < true", 4..8, "`true` is a condition, not a number", "");
        check(
            "-(a < 1) < 0",
            1..8,
            "`(a < 1)` is a condition, not a number",
            "",
        );
    }
}
