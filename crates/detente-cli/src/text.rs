//! Text for a terminal: names, ids and messages come from files anyone may have written, so
//! characters that steer a terminal are shown, never obeyed.
//!
//! Escaped: C0 controls but newline and tab, DEL, C1 controls (U+0080..U+009F, which some
//! terminals read as escape sequences), and the Unicode bidirectional controls that can make a
//! line read differently from what it holds (U+061C, U+200E, U+200F, U+202A..U+202E,
//! U+2066..U+2069).

use std::borrow::Cow;

use crate::Fail;
use crate::write::{self, Target};

/// Whether `c` would act on a terminal instead of being shown.
pub fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every hostile character written as `\u{1b}`.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with every hostile character replaced by one of the same length in bytes and in
/// characters (`?`, `¿` or `�`), so that byte spans and columns into it stay valid. Carriage
/// returns stay: they end lines.
pub fn mask(s: &str) -> Cow<'_, str> {
    let hostile = |c: char| is_hostile(c) && c != '\r';
    if !s.chars().any(hostile) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                c if !hostile(c) => c,
                c if c.len_utf8() == 1 => '?',
                c if c.len_utf8() == 2 => '¿',
                _ => '\u{FFFD}',
            })
            .collect(),
    )
}

/// Writes text meant for people (tables, summaries), cleaned.
pub fn print(target: &Target, text: &str) -> Result<(), Fail> {
    write::write(target, clean(text).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_obeyed() {
        assert_eq!(clean("plain ü\n\tok"), "plain ü\n\tok");
        assert_eq!(clean("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(clean("x\u{0}y\u{7f}\u{9b}"), "x\\u{0}y\\u{7f}\\u{9b}");
        assert_eq!(clean("\u{202e}evil\u{2066}"), "\\u{202e}evil\\u{2066}");
        assert_eq!(clean("cr\r"), "cr\\u{d}");
    }

    #[test]
    fn mask_keeps_lengths() {
        let s = "a\u{1b}b\u{9b}c\u{202e}d\r\n";
        let m = mask(s);
        assert_eq!(m.len(), s.len());
        assert_eq!(m.chars().count(), s.chars().count());
        assert_eq!(m, "a?b¿c\u{FFFD}d\r\n");
        assert!(!m.chars().any(|c| is_hostile(c) && c != '\r'));
    }
}
