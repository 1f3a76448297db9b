//! Text: identifiers and names, trimmed, empty is null. The fast pass reads text as
//! it is and flags values that need trimming (`needs_trimming`), and
//! cells that mark totals and footer rows (`is_non_data`).

use polars::prelude::*;

/// Empty, or starting or ending with white space (Unicode, as `str::trim` sees it):
/// the fast pass leaves those to the thorough one, which trims. Each end is tested
/// on its bytes; a character is decoded only when its first byte could start one of
/// the white-space characters beyond ASCII (U+0085 and U+00A0: 0xC2; U+1680: 0xE1;
/// U+2000-U+205F: 0xE2; U+3000: 0xE3), so names in Chinese cost a byte test.
pub fn needs_trimming(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return true };
    let may_start_space = |b: u8| if b.is_ascii() { (b as char).is_whitespace() } else { matches!(b, 0xC2 | 0xE1..=0xE3) };
    // The first byte of the last character: up to three continuation bytes (10xxxxxx) back.
    let last_start = bytes.iter().rev().take(4).find(|b| (**b & 0xC0) != 0x80).copied().unwrap_or(last);
    (may_start_space(first) && s.starts_with(char::is_whitespace))
        || (may_start_space(last_start) && s.ends_with(char::is_whitespace))
}

/// Text with surrounding space removed; empty text is null.
pub fn trimmed(raw: Expr) -> Expr {
    let t = raw.str().strip_chars(lit(NULL));
    when(t.clone().eq(lit(""))).then(lit(NULL).cast(DataType::String)).otherwise(t)
}

/// Beginnings of cells that mark a row as a total, a subtotal or a page footer, not an
/// order line: Kingdee, Yonyou and Excel reports print them in a key or date column.
const NON_DATA_STARTS: &[&str] = &[
    "合计", "合 计", "合計", "小计", "小 计", "小計", "总计", "总 计", "總計", "总合计", "本页合计", "累计",
    "打印日期", "打印时间", "打印人", "制表人", "制表", "制单人", "审核", "页码",
];

/// Whether a (trimmed) cell marks a totals, subtotal or footer row: 合计, 小计, 总计, Total,
/// Subtotal, Grand total (with or without a colon or a label after it), 第1页, 打印日期...
/// A name that merely begins with a word like "Total" (Total Wine) is data.
pub fn is_non_data(s: &str) -> bool {
    if NON_DATA_STARTS.iter().any(|m| s.starts_with(m)) {
        return true;
    }
    if let Some(rest) = s.strip_prefix('第') {
        // 第1页, 第 1 页 共 3 页
        return rest.trim_start().starts_with(|c: char| c.is_ascii_digit()) && rest.contains('页');
    }
    let starts = |word: &str| s.len() >= word.len() && s.is_char_boundary(word.len()) && s[..word.len()].eq_ignore_ascii_case(word);
    let then = |word: &str| s[word.len()..].trim_start_matches([':', '：']).trim();
    if starts("subtotal") || starts("sub-total") || starts("sub total") {
        return true;
    }
    ["grand total", "totals", "total"].iter().any(|w| starts(w) && (then(w).is_empty() || s[w.len()..].starts_with([':', '：'])))
}

/// The fast pass's test of a text value: one the thorough pass must see, because it
/// needs trimming or may mark a totals row. The marker test runs only on values whose
/// first byte could start one (合/小/总/第/打/制/审 or T, S, G): a byte test for others.
pub fn needs_a_closer_look(s: &str) -> bool {
    needs_trimming(s) || (matches!(s.as_bytes().first(), Some(0xE5..=0xE7 | b'T' | b't' | b'S' | b's' | b'G' | b'g')) && is_non_data(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_and_footers_are_marked_and_names_are_not() {
        for yes in ["合计", "合 计", "小计：华东", "总计", "Total", "TOTAL:", "Subtotal East", "Grand total", "第1页", "第 2 页 共 3 页", "打印日期：2024-03-01", "制表人: 王", "审核"] {
            assert!(is_non_data(yes), "{yes}");
        }
        for no in ["Total Wine", "C001", "合肥百货", "小米", "第一百货", "Totally", "Grand Hotel"] {
            assert!(!is_non_data(no), "{no}");
        }
    }

    #[test]
    fn trimming_is_needed_for_empty_text_and_any_white_space_at_an_end() {
        for yes in ["", " a", "a ", "\ta", "a\u{b}", "\u{3000}客户", "客户\u{a0}", "\u{85}", "客户\u{2029}", "\u{1680}x", "x\u{205f}", "\u{200a}"] {
            assert!(needs_trimming(yes), "{yes:?}");
        }
        for no in ["a", "a b", "上海长青酒店", "C00001", "x\u{3000}y", "€", "Ā", "\u{2010}a\u{2010}", "\u{3001}"] {
            assert!(!needs_trimming(no), "{no:?}");
        }
    }


    #[test]
    fn trimming_agrees_with_str_trim_for_every_character_at_either_end() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("{c}x"), format!("x{c}"), format!("客{c}"), format!("{c}客")] {
                assert_eq!(needs_trimming(&s), s.trim() != s, "{s:?}");
            }
        }
    }
}
