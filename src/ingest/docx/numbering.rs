//! List labels from `word/numbering.xml`: the shown number of a numbered paragraph
//! ("1.", "a)", "•"), counted in document order.
//!
//! The part is parsed lazily, on the first numbered paragraph, so documents without
//! lists pay nothing. A damaged numbering part only loses the labels.

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::ingest::limits::Budget;
use crate::ingest::xml::XmlGuard;

use crate::ingest::xml::{attr_qualified, attr_qualified_i64};

const PART: &str = "word/numbering.xml";
const LEVELS: usize = 9;

#[derive(Clone, Debug, Default)]
struct Level {
    start: i64,
    fmt: String,
    text: String,
}

#[derive(Debug, Default)]
struct Defs {
    /// abstractNumId → levels.
    abstracts: HashMap<i64, Vec<Level>>,
    /// numId → abstractNumId.
    nums: HashMap<u32, i64>,
}

/// The numbering definitions of a document and the running list counters.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    raw: Option<Vec<u8>>,
    defs: Option<Defs>,
    /// abstractNumId → counter per level (None: not started).
    counters: HashMap<i64, [Option<i64>; LEVELS]>,
    limits: Option<crate::ingest::limits::Limits>,
}

impl Numbering {
    /// Numbering over the raw `word/numbering.xml` bytes (None when the part is absent).
    pub(crate) fn new(raw: Option<Vec<u8>>, budget: &Budget) -> Numbering {
        Numbering {
            raw,
            limits: Some(budget.limits.clone()),
            ..Default::default()
        }
    }

    /// The label of the next paragraph numbered `num_id` at level `ilvl`, advancing the
    /// counters.
    pub(crate) fn label(&mut self, num_id: u32, ilvl: u8) -> Option<String> {
        if self.defs.is_none() {
            let raw = self.raw.take()?;
            let budget = Budget::new(self.limits.clone().unwrap_or_default());
            self.defs = Some(parse(&raw, &budget).unwrap_or_default());
        }
        let defs = self.defs.as_ref()?;
        let abs = *defs.nums.get(&num_id)?;
        let levels = defs.abstracts.get(&abs)?;
        let il = usize::from(ilvl).min(LEVELS - 1);
        let lvl = levels.get(il)?;
        let counters = self.counters.entry(abs).or_insert([None; LEVELS]);
        let next = counters
            .get(il)
            .copied()
            .flatten()
            .map_or(lvl.start, |c| c.saturating_add(1));
        if let Some(slot) = counters.get_mut(il) {
            *slot = Some(next);
        }
        for slot in counters.iter_mut().skip(il + 1) {
            *slot = None;
        }
        if lvl.fmt == "bullet" {
            return Some(lvl.text.clone()).filter(|t| !t.is_empty());
        }
        if lvl.fmt == "none" {
            return None;
        }
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let k = (d as usize).saturating_sub(1);
                let fmt = levels.get(k).map_or("decimal", |l| l.fmt.as_str());
                let start = levels.get(k).map_or(1, |l| l.start);
                let v = counters.get(k).copied().flatten().unwrap_or(start);
                out.push_str(&format_number(v, fmt));
            } else {
                out.push(c);
            }
        }
        Some(out).filter(|t| !t.is_empty())
    }
}

fn parse(xml: &[u8], budget: &Budget) -> Option<Defs> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut guard = XmlGuard::new(budget, PART);
    let mut defs = Defs::default();
    let mut abs: Option<(i64, Vec<Level>)> = None;
    let mut lvl: Option<(usize, Level)> = None;
    let mut num: Option<u32> = None;
    loop {
        let ev = reader.read_event().ok()?;
        guard.check(&ev).ok()?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => match e.name().0 {
                "w:abstractNum" => {
                    abs = attr_qualified_i64(e, "w:abstractNumId").map(|id| (id, Vec::new()));
                }
                "w:lvl" if abs.is_some() => {
                    let il = attr_qualified_i64(e, "w:ilvl").and_then(|v| usize::try_from(v).ok());
                    lvl = il.filter(|&i| i < LEVELS).map(|i| {
                        (
                            i,
                            Level {
                                start: 1,
                                fmt: "decimal".into(),
                                text: String::new(),
                            },
                        )
                    });
                }
                "w:start" => {
                    if let (Some((_, l)), Some(v)) = (lvl.as_mut(), attr_qualified_i64(e, "w:val"))
                    {
                        l.start = v;
                    }
                }
                "w:numFmt" => {
                    if let (Some((_, l)), Some(v)) = (lvl.as_mut(), attr_qualified(e, "w:val")) {
                        l.fmt = v.into_owned();
                    }
                }
                "w:lvlText" => {
                    if let (Some((_, l)), Some(v)) = (lvl.as_mut(), attr_qualified(e, "w:val")) {
                        l.text = v.into_owned();
                    }
                }
                "w:num" => {
                    num = attr_qualified_i64(e, "w:numId").and_then(|v| u32::try_from(v).ok())
                }
                "w:abstractNumId" => {
                    if let (Some(n), Some(a)) = (num, attr_qualified_i64(e, "w:val")) {
                        defs.nums.insert(n, a);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().0 {
                "w:lvl" => {
                    if let (Some((_, levels)), Some((i, l))) = (abs.as_mut(), lvl.take()) {
                        if levels.len() <= i {
                            levels.resize(i + 1, Level::default());
                        }
                        if let Some(slot) = levels.get_mut(i) {
                            *slot = l;
                        }
                    }
                }
                "w:abstractNum" => {
                    if let Some((id, levels)) = abs.take() {
                        defs.abstracts.insert(id, levels);
                    }
                }
                "w:num" => num = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Some(defs)
}

fn format_number(v: i64, fmt: &str) -> String {
    match fmt {
        "lowerLetter" => letters(v).to_lowercase(),
        "upperLetter" => letters(v),
        "lowerRoman" => roman(v).to_lowercase(),
        "upperRoman" => roman(v),
        "decimalZero" if (0..10).contains(&v) => format!("0{v}"),
        _ => v.to_string(),
    }
}

fn letters(v: i64) -> String {
    if v < 1 {
        return v.to_string();
    }
    // Word repeats the letter: a..z, aa..zz, ...
    let idx = (v - 1) % 26;
    let times = ((v - 1) / 26 + 1).min(10) as usize;
    let c = char::from(b'A' + idx as u8);
    std::iter::repeat_n(c, times).collect()
}

fn roman(mut v: i64) -> String {
    if !(1..4000).contains(&v) {
        return v.to_string();
    }
    const T: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (n, r) in T {
        while v >= n {
            s.push_str(r);
            v -= n;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_formats_levels() {
        let xml = br#"<w:numbering xmlns:w="x">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
          </w:abstractNum>
          <w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
        </w:numbering>"#;
        let b = Budget::default();
        let mut n = Numbering::new(Some(xml.to_vec()), &b);
        assert_eq!(n.label(3, 0).as_deref(), Some("1."));
        assert_eq!(n.label(3, 1).as_deref(), Some("a)"));
        assert_eq!(n.label(3, 1).as_deref(), Some("b)"));
        assert_eq!(n.label(3, 0).as_deref(), Some("2."));
        assert_eq!(n.label(3, 1).as_deref(), Some("a)"));
        assert_eq!(n.label(9, 0), None);
        assert_eq!(roman(14), "XIV");
    }
}
