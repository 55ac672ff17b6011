//! The one way untrusted text enters a Markdown document (the session report, the weekly
//! review, anything else ringside writes as Markdown).
//!
//! A report is meant to be pasted into a GitHub issue, a PR or notes, so what a transcript says
//! (prompts, project and branch names, tool output) must come out as the same visible text and
//! never as markup that renders, links or notifies. [`text`] is for sentences and table cells,
//! [`code_span`] for a value shown as code. Both first pass the text through
//! [`sanitize::one_line`] (escape sequences, controls and invisible characters removed, one line).
//!
//! What [`text`] neutralises, and how (GitHub's renderer is CommonMark + GFM, plus filters that
//! run on the rendered text, where a backslash no longer counts):
//! - inline markup and HTML: `\ ` `` ` `` `* _ ~ [ ] < > | & $ #` get a backslash (emphasis,
//!   strikethrough, code, links and images, raw HTML such as `<img onerror=…>`, tables,
//!   entities like `&#64;`, math); so `[x](javascript:…)` and `<javascript:…>` are plain text;
//! - autolinks GFM makes without brackets: `scheme://` gets `\:` and `www.` gets `www\.`;
//! - `@name` (a mention that notifies), `a@b.c` (an email link) and `#12` (an issue link):
//!   GitHub ignores backslashes there, so an empty HTML comment splits them (`@<!-- -->name`),
//!   which renders as nothing;
//! - a leading `- `, `+ ` or `1. ` that would start a list when the text opens a line.

use crate::core::sanitize;

/// Untrusted text for a Markdown sentence or table cell: one sanitised line of at most
/// `max_width` columns, with every active character neutralised (see the module docs).
#[must_use]
pub fn text(s: &str, max_width: usize) -> String {
    escape(&sanitize::one_line(s, max_width))
}

/// Untrusted text as a code span (`` `…` ``), safe inside a table: backticks become `'` (a code
/// span cannot escape them) and `|` is escaped (GFM splits cells before it sees code spans).
/// Nothing else is active inside a code span: no HTML, links, mentions or emphasis.
#[must_use]
pub fn code_span(s: &str, max_width: usize) -> String {
    let one = sanitize::one_line(s, max_width)
        .replace('`', "'")
        .replace('|', "\\|");
    if one.is_empty() {
        return "` `".into();
    }
    format!("`{one}`")
}

/// [`text`] without the sanitising: `one` must already be one clean line.
#[must_use]
pub fn escape(one: &str) -> String {
    const BREAK: &str = "<!-- -->";
    let chars: Vec<char> = one.chars().collect();
    let mut out = String::with_capacity(one.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let word_follows = next.is_some_and(char::is_alphanumeric);
        match c {
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '|' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '#' if next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push('#');
                out.push_str(BREAK);
            }
            '#' => out.push_str("\\#"),
            '@' if word_follows => {
                out.push('@');
                out.push_str(BREAK);
            }
            ':' if next == Some('/') => out.push_str("\\:"),
            '.' if i >= 3
                && chars[i - 3..i].iter().all(|w| w.eq_ignore_ascii_case(&'w'))
                && (i == 3 || !chars[i - 4].is_alphanumeric()) =>
            {
                out.push_str("\\.");
            }
            // A list marker only when a space or the end follows (`- x`, `1. x`; not `--x`, `1.8`).
            '-' | '+' if i == 0 && next.is_none_or(|n| n == ' ') => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(|n| n == ' ') =>
            {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_inline_markup_cannot_be_opened() {
        assert_eq!(text("a | b", 20), "a \\| b");
        assert_eq!(text("<script>", 20), "\\<script\\>");
        assert_eq!(text("line\nbreak", 20), "line break");
        assert_eq!(
            text("**b** _i_ ~~s~~ `c`", 40),
            "\\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~ \\`c\\`"
        );
        assert_eq!(text("a \\ b", 20), "a \\\\ b");
    }

    #[test]
    fn html_links_and_images_are_plain_text() {
        assert_eq!(
            text("<img src=x onerror=alert(1)>", 80),
            "\\<img src=x onerror=alert(1)\\>"
        );
        assert_eq!(
            text("[click](javascript:alert(1))", 80),
            "\\[click\\](javascript:alert(1))"
        );
        assert_eq!(text("![i](x.png)", 80), "!\\[i\\](x.png)");
        assert_eq!(
            text("<javascript:alert(1)>", 80),
            "\\<javascript:alert(1)\\>"
        );
        assert_eq!(
            text("&#64;octocat &lt;", 80),
            "\\&#<!-- -->64;octocat \\&lt;"
        );
        assert_eq!(text("$x^2$", 80), "\\$x^2\\$");
    }

    #[test]
    fn autolinks_mentions_and_references_are_broken() {
        assert_eq!(
            text("see https://evil.example/x", 80),
            "see https\\://evil.example/x"
        );
        assert_eq!(text("www.evil.example", 80), "www\\.evil.example");
        assert_eq!(text("go to WWW.x.y", 80), "go to WWW\\.x.y");
        assert_eq!(text("awww.x", 80), "awww.x");
        assert_eq!(text("ping @octocat", 80), "ping @<!-- -->octocat");
        assert_eq!(text("mail a@b.example", 80), "mail a@<!-- -->b.example");
        assert_eq!(text("fixes #12", 80), "fixes #<!-- -->12");
        assert_eq!(text("# title", 80), "\\# title");
        assert_eq!(text("a @ b", 80), "a @ b");
    }

    #[test]
    fn a_line_cannot_start_a_list() {
        assert_eq!(text("- item", 80), "\\- item");
        assert_eq!(text("+ item", 80), "\\+ item");
        assert_eq!(text("12. item", 80), "12\\. item");
        assert_eq!(text("3) item", 80), "3\\) item");
        assert_eq!(text("a - b 1. c", 80), "a - b 1. c");
        assert_eq!(text("--since 2h", 80), "--since 2h");
        assert_eq!(text("1.8", 80), "1.8");
        assert_eq!(text("-", 80), "\\-");
    }

    #[test]
    fn invisible_and_control_characters_never_reach_the_document() {
        assert_eq!(text("a\x1b[31mb\u{202e}c", 80), "abc");
    }

    #[test]
    fn code_spans_stay_closed_and_inside_their_cell() {
        assert_eq!(code_span("a`b|c", 80), "`a'b\\|c`");
        assert_eq!(code_span("", 80), "` `");
        assert_eq!(code_span("/home/u/app", 80), "`/home/u/app`");
    }
}
