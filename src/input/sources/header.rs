//! Finding the header row: ERP reports put a title (销售订单明细表), a date range or
//! blank rows above it, and some split it over two rows under merged parent cells.
//! Each of the first rows is scored by how many of its cells name a role kam knows;
//! the first best row is the header, unless the first row scores as well.

use crate::input::roles::{fold, TABLES};

/// How many rows from the top are looked at for the header.
pub const LOOK_AT: usize = 30;

/// The header kam took: where, which names, and why.
#[derive(Debug, Clone)]
pub struct HeaderPick {
    /// 0-based index of the (first) header row among the rows looked at.
    pub index: usize,
    /// 1, or 2 for a two-row header.
    pub rows: usize,
    pub names: Vec<String>,
    pub why: String,
}

impl HeaderPick {
    /// The rows before the data: title rows and the header.
    pub fn skipped(&self) -> usize {
        self.index + self.rows
    }

    /// Whether the header is the first row, alone: the shape the streamed scan reads.
    pub fn is_first_row(&self) -> bool {
        self.index == 0 && self.rows == 1
    }
}

/// How many cells of a row name a role (or an alias) of any table.
pub fn score(cells: &[String]) -> usize {
    let known = |c: &str| {
        let f = fold(c);
        TABLES.iter().any(|(_, roles)| roles.iter().any(|r| fold(&r.name) == f || r.aliases.iter().any(|a| fold(a) == f)))
    };
    cells.iter().filter(|c| !c.trim().is_empty() && known(c)).count()
}

/// A cell that holds a value rather than a column name: a number or a date.
fn is_value(cell: &str) -> bool {
    let t = cell.trim();
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || "-+.,/: ".contains(c)) && t.chars().any(|c| c.is_ascii_digit())
}

/// Parent and child header rows as one: a child under a merged parent (whose cell is
/// empty right of its first column) gets the parent's name in front: 本币 + 无税金额.
fn join(parent: &[String], child: &[String]) -> Vec<String> {
    let width = parent.len().max(child.len());
    let mut last = String::new();
    (0..width)
        .map(|i| {
            let p = parent.get(i).map_or("", |s| s.trim());
            let c = child.get(i).map_or("", |s| s.trim());
            if !p.is_empty() {
                last = p.to_string();
            }
            match (p.is_empty(), c.is_empty()) {
                (_, true) => p.to_string(),
                (false, false) => format!("{p}{c}"),
                (true, false) => format!("{last}{c}"),
            }
        })
        .collect()
}

/// The header among `rows` (the first rows of a file or sheet, as text). `forced` is
/// --header-row N (1-based).
pub fn pick(rows: &[Vec<String>], forced: Option<usize>) -> HeaderPick {
    let names = |i: usize| rows.get(i).cloned().unwrap_or_default().iter().map(|s| s.trim().to_string()).collect::<Vec<_>>();
    if let Some(n) = forced {
        let index = n.saturating_sub(1);
        return HeaderPick { index, rows: 1, names: names(index), why: format!("row {n}, given by --header-row") };
    }
    let scores: Vec<usize> = rows.iter().take(LOOK_AT).map(|r| score(r)).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let index = match scores.iter().position(|&s| s == best) {
        Some(i) if best >= 2 && scores[0] < best => i,
        _ => 0,
    };
    let mut why = if index == 0 {
        format!("row 1, the first row ({} of its cells name roles kam knows)", scores.first().copied().unwrap_or(0))
    } else {
        format!("row {} ({best} of its cells name roles kam knows; the {index} row(s) above are a title or blank)", index + 1)
    };
    let mut pick = HeaderPick { index, rows: 1, names: names(index), why: String::new() };
    if let Some(child) = rows.get(index + 1) {
        let filled = child.iter().filter(|c| !c.trim().is_empty()).count();
        let parent = &rows[index];
        let under_merge = child.iter().enumerate().any(|(i, c)| !c.trim().is_empty() && parent.get(i).is_none_or(|p| p.trim().is_empty()));
        let joined = join(parent, child);
        if filled > 0 && filled < child.len() && !child.iter().any(|c| is_value(c)) && (under_merge || score(&joined) > scores[index]) && score(&joined) >= scores[index] {
            why.push_str(&format!(", joined with row {} under it (a two-row header)", index + 2));
            pick.rows = 2;
            pick.names = joined;
        }
    }
    pick.why = why;
    pick
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter().map(|cells| cells.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn title_rows_are_skipped() {
        let r = rows(&[&["销售订单明细表", "", "", ""], &["日期：2024-01-01 至 2024-03-31", "", "", ""], &["", "", "", ""], &["单据日期", "客户编码", "存货编码", "金额"], &["2024-01-02", "C1", "P1", "5.00"]]);
        let p = pick(&r, None);
        assert_eq!((p.index, p.rows, p.skipped()), (3, 1, 4));
        assert_eq!(p.names[3], "金额");
    }

    #[test]
    fn two_row_headers_are_joined() {
        let r = rows(&[&["单据日期", "客户编码", "存货编码", "本币", ""], &["", "", "", "无税金额", "税额"], &["2024-01-02", "C1", "P1", "5.00", "0.65"]]);
        let p = pick(&r, None);
        assert_eq!((p.index, p.rows), (0, 2));
        assert_eq!(p.names, ["单据日期", "客户编码", "存货编码", "本币无税金额", "本币税额"]);
    }

    #[test]
    fn a_plain_header_stays_the_first_row() {
        let r = rows(&[&["order_date", "customer_id", "amount"], &["2024-01-02", "C1", "5.00"]]);
        let p = pick(&r, None);
        assert!(p.is_first_row());
        let r = rows(&[&["a", "b"], &["x", ""]]);
        assert!(pick(&r, None).is_first_row());
    }
}
