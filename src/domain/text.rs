//! Alphabetical order for the names people read in listings: people, branches,
//! warehouses, cartridges.
//!
//! Latin letters in their order, then the Russian and Ukrainian alphabets
//! merged (а б в г ґ д е є ё ж з и і ї й … щ ъ ы ь э ю я, so each language keeps
//! its own order), case aside; equal names are then ordered by case and code
//! point, so the order is total and the same on every store and in every
//! database locale. Code point order alone would put `Ірина` and `Єва` before
//! `Андрій`. Not a full Unicode collation: other characters keep their code
//! point order, digits and punctuation before letters, other scripts after.

use std::cmp::Ordering;

/// The Russian and Ukrainian alphabets merged, in lower case.
const CYRILLIC: &str = "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя";

/// A character's place: its code point, shifted to leave room at `а` for the
/// ranks of the merged alphabet.
fn weight(c: char) -> u32 {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match CYRILLIC.chars().position(|l| l == lower) {
        Some(rank) => (('а' as u32) << 8) | rank as u32,
        None => (lower as u32) << 8,
    }
}

/// Compares two names in alphabetical order (see the module's documentation).
pub fn alphabetical(a: &str, b: &str) -> Ordering {
    a.chars().map(weight).cmp(b.chars().map(weight)).then_with(|| a.cmp(b))
}

/// Like [`alphabetical`], but a run of digits counts as the number it spells,
/// as people read inventory numbers: `INV-2` before `INV-10`, `каб. 9` before
/// `каб. 12`. Leading zeros aside (`007` and `7` are the same number, then
/// ordered by their text).
pub fn natural(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digits = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digits != Some(d) {
                if i > start {
                    out.push((digits == Some(true), &s[start..i]));
                }
                start = i;
                digits = Some(d);
            }
        }
        if start < s.len() {
            out.push((digits == Some(true), &s[start..]));
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(pb.iter()) {
        let o = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.chars().map(weight).cmp(y.chars().map(weight)),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| alphabetical(a, b))
}

/// Upper-case Latin and Cyrillic letters, and `ё`, ...
pub const FOLD_FROM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZАБВГҐДЕЄЁЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё";
/// ... and what [`fold`] makes of them, letter for letter: lower case, `ё` as `е`.
pub const FOLD_TO: &str = "abcdefghijklmnopqrstuvwxyzабвгґдеєежзиіїйклмнопрстуфхцчшщъыьэюяе";

/// A text as search compares it: Latin and Cyrillic letters in lower case and
/// `ё` as `е` (people type `счетчик` for `счётчик`); nothing else changes. The
/// same on every store and in every database locale: SQLite calls this very
/// function, PostgreSQL `translate()` with [`FOLD_FROM`] and [`FOLD_TO`].
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match FOLD_FROM.chars().position(|f| f == c) {
            Some(i) => FOLD_TO.chars().nth(i).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// A cell of text as every CSV the help desk writes holds it: text that a
/// spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return) gets an apostrophe in front, as OWASP advises
/// against CSV injection; anything else is written as it is. A spreadsheet
/// shows the apostrophe's cell as plain text.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut v = ["inv-10", "INV-2", "INV-1", "inv-002", "INV-1a", "Б-3", "A-3", "10", "9"];
        v.sort_by(|a, b| natural(a, b));
        assert_eq!(v, ["9", "10", "A-3", "INV-1", "INV-1a", "inv-002", "INV-2", "inv-10", "Б-3"]);
        assert_eq!(natural("INV-7", "inv-7"), alphabetical("INV-7", "inv-7"), "ties are broken as alphabetical does");
        assert_eq!(natural("", ""), Ordering::Equal);
    }

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| alphabetical(a, b));
        v
    }

    #[test]
    fn ukrainian_and_russian_letters_keep_their_alphabets_order() {
        assert_eq!(
            sorted(&[
                "Ірина",
                "Яна",
                "Єва",
                "Андрій",
                "Ґанна",
                "Їжак",
                "Гліб",
                "Йосип",
                "Иван",
                "Ёлка",
                "Евгений",
                "Ьь"
            ]),
            ["Андрій", "Гліб", "Ґанна", "Евгений", "Єва", "Ёлка", "Иван", "Ірина", "Їжак", "Йосип", "Ьь", "Яна"]
        );
        assert_eq!(sorted(&["Щука", "Эдуард", "Ыы", "Ъъ", "Шура"]), ["Шура", "Щука", "Ъъ", "Ыы", "Эдуард"]);
    }

    #[test]
    fn case_matters_only_between_equal_names() {
        assert_eq!(sorted(&["ivan", "Anna", "Boris", "anna"]), ["Anna", "anna", "Boris", "ivan"]);
        assert_eq!(sorted(&["кв-1", "KYIV", "КВ-1", "kv-1", "Київ"]), ["kv-1", "KYIV", "КВ-1", "кв-1", "Київ"]);
        assert_eq!(alphabetical("Олена", "Олена"), Ordering::Equal);
    }

    #[test]
    fn latin_digits_and_spaces_come_first_as_usual() {
        assert_eq!(
            sorted(&["Іван Петров", "Іваненко", "10 Львів", "2 Київ", "Zed"]),
            ["10 Львів", "2 Київ", "Zed", "Іван Петров", "Іваненко"]
        );
    }

    #[test]
    fn search_folds_latin_and_cyrillic_case_and_yo_and_nothing_else() {
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.chars().count());
        assert_eq!(fold("Счётчик HP ЄІЇҐ ёж"), "счетчик hp єіїґ еж");
        assert_eq!(fold("Ω ß 123 -_"), "Ω ß 123 -_");
        for (f, t) in FOLD_FROM.chars().zip(FOLD_TO.chars()) {
            if f != 'Ё' && f != 'ё' {
                assert_eq!(f.to_lowercase().next(), Some(t), "{f}");
            }
        }
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_written_as_text() {
        for formula in ["=HYPERLINK(\"http://x\";\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(formula), format!("'{formula}"));
        }
        for plain in ["", "Принтер", "1-2", "a=b", "'quoted", " =x"] {
            assert_eq!(csv_cell(plain), plain);
        }
    }
}
