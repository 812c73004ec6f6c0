//! Small HTML helpers: escaping, numbers, tables, figures.

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for people: 4 significant digits, no trailing zeros, "–" for a missing value.
pub fn num(x: f64) -> String {
    sig(x, 4)
}

/// `x` with `digits` significant digits and no trailing zeros.
pub fn sig(x: f64, digits: i32) -> String {
    if x.is_nan() {
        return "–".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return if x > 0.0 { "∞" } else { "-∞" }.into();
    }
    let decimals = (digits - 1 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    // "-0" reads oddly.
    if s == "-0" { "0".into() } else { s }
}

/// A share as a percentage with no decimals ("<1%" and ">99%" near the ends).
pub fn pct(x: f64) -> String {
    detente_core::param::fmt_pct(x)
}

pub fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), num)
}

/// A table; cells are HTML already (escape text with [`escape`]). Columns listed in `numeric`
/// are right-aligned.
pub fn table(head: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let mut s = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for (j, h) in head.iter().enumerate() {
        let class = if numeric.contains(&j) {
            " class=\"num\""
        } else {
            ""
        };
        s.push_str(&format!("<th{class}>{h}</th>"));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for (j, c) in row.iter().enumerate() {
            let class = if numeric.contains(&j) {
                " class=\"num\""
            } else {
                ""
            };
            s.push_str(&format!("<td{class}>{c}</td>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

/// A chart with its caption (plain text, escaped here), which also labels the chart for
/// screen readers.
pub fn figure(svg: &str, caption: &str) -> String {
    let caption = escape(caption);
    let svg = match svg.strip_prefix("<svg ") {
        Some(rest) => format!("<svg role=\"img\" aria-label=\"{caption}\" {rest}"),
        None => svg.to_string(),
    };
    format!("<figure>\n{svg}<figcaption>{caption}</figcaption>\n</figure>\n")
}

pub fn p(text: &str) -> String {
    format!("<p>{}</p>\n", escape(text))
}

pub fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", escape(text))
}

pub fn h3(text: &str) -> String {
    format!("<h3>{}</h3>\n", escape(text))
}

pub fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("plain é"), "plain é");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(67.09618662798658), "67.1");
        assert_eq!(num(0.00123456), "0.001235");
        assert_eq!(num(1000.0), "1000");
        assert_eq!(num(-0.00001), "-0.00001");
        assert_eq!(num(f64::NAN), "–");
        assert_eq!(pct(0.999), ">99%");
        assert_eq!(pct(0.001), "<1%");
        assert_eq!(pct(0.5), "50%");
    }
}
