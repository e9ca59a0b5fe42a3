//! `--conf`: a MySQL option file; ghost-rs reads `user` and `password` from its `[client]`
//! section (as gh-ost does), so that the password never has to be on the command line.

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ClientSection {
    pub user: Option<String>,
    pub password: Option<String>,
}

pub fn read_client_section(path: &Path) -> Result<ClientSection> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(format!("cannot read the option file {}: {e}", path.display()))
            .hint("--conf must name a readable file with a [client] section (user=..., password=...)")
    })?;
    Ok(parse(&text))
}

/// Parses option-file text: `[section]` headers, `key = value` lines (value optionally in
/// single or double quotes), `#` and `;` comments. Keys may use `-` or `_`.
pub fn parse(text: &str) -> ClientSection {
    let mut out = ClientSection::default();
    let mut in_client = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            in_client = line[1..line.len() - 1].trim().eq_ignore_ascii_case("client");
            continue;
        }
        if !in_client {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (line, ""),
        };
        let value = unquote(value);
        match key.replace('-', "_").to_ascii_lowercase().as_str() {
            "user" => out.user = Some(value),
            "password" => out.password = Some(value),
            _ => {}
        }
    }
    out
}

fn unquote(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        v[1..v.len() - 1].to_string()
    } else {
        // an unquoted value ends at a comment
        v.split(" #").next().unwrap_or(v).trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_section_only() {
        let t = "[mysqld]\nuser=mysql\n\n[client]\n# comment\nuser = ghost\npassword=\"se cret#1\"\n[mysql]\npassword=other\n";
        assert_eq!(parse(t), ClientSection { user: Some("ghost".into()), password: Some("se cret#1".into()) });
        assert_eq!(parse("[client]\npassword=abc # trailing\n").password.as_deref(), Some("abc"));
        assert_eq!(parse("[Client]\nuser='x'\n").user.as_deref(), Some("x"));
    }
}
