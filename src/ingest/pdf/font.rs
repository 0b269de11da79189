//! PDF fonts: how the bytes of a shown string become characters and advance widths.
//!
//! Handles simple fonts (1-byte codes through `/ToUnicode`, a base encoding —
//! WinAnsi, MacRoman, Standard — and `/Differences` glyph names, widths from
//! `/Widths`) and Type0 composite fonts (2-byte codes of Identity-H and other CMaps
//! treated as 2-byte, widths from the descendant's `/W` and `/DW`).

use std::collections::HashMap;

use lopdf::{Dictionary, Document as PdfDoc, Object};

/// Most entries one `/ToUnicode` CMap may define (ranges expanded).
const MAX_CMAP_ENTRIES: usize = 70_000;

/// One decoded glyph of a shown string.
#[derive(Clone, Debug)]
pub struct DecodedGlyph {
    /// The Unicode text of the glyph (may be empty when unknown).
    pub text: String,
    /// Advance width in thousandths of the font size.
    pub width: f32,
    /// True for a single-byte code 32 (word spacing `Tw` applies).
    pub is_space_code: bool,
}

/// A font ready to decode shown strings.
#[derive(Clone, Debug, Default)]
pub struct Font {
    two_byte: bool,
    to_unicode: HashMap<u32, String>,
    /// Base encoding (simple fonts): code → character.
    encoding: Option<[char; 256]>,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl Font {
    /// Reads a font dictionary (object graph lookups through `doc`).
    pub fn from_dict(doc: &PdfDoc, dict: &Dictionary) -> Font {
        let subtype = name_of(doc, dict.get(b"Subtype").ok());
        let mut font = Font {
            default_width: 500.0,
            ..Font::default()
        };
        if let Some(tu) = deref(doc, dict.get(b"ToUnicode").ok())
            && let Ok(stream) = tu.as_stream()
            && let Ok(bytes) = stream.decompressed_content_with_limit(4 << 20)
        {
            font.to_unicode = parse_to_unicode(&bytes);
        }
        if subtype.as_deref() == Some("Type0") {
            // Codes are two bytes (Identity-H and other predefined CMaps) unless the
            // embedded CMap — else the ToUnicode one — declares one-byte code spaces.
            let cmap_widths = |key: &[u8]| {
                deref(doc, dict.get(key).ok())
                    .and_then(|o| o.as_stream().ok())
                    .and_then(|s| s.decompressed_content_with_limit(4 << 20).ok())
                    .and_then(|b| codespace_bytes(&b))
            };
            let predefined =
                deref(doc, dict.get(b"Encoding").ok()).is_some_and(|o| o.as_name().is_ok());
            let code_len = cmap_widths(b"Encoding").or_else(|| {
                if predefined {
                    None
                } else {
                    cmap_widths(b"ToUnicode")
                }
            });
            font.two_byte = code_len != Some(1);
            font.default_width = 1000.0;
            let desc = deref(doc, dict.get(b"DescendantFonts").ok())
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, Some(o)))
                .and_then(|o| o.as_dict().ok());
            if let Some(desc) = desc {
                if let Some(dw) = deref(doc, desc.get(b"DW").ok()).and_then(num) {
                    font.default_width = dw;
                }
                if let Some(w) = deref(doc, desc.get(b"W").ok()).and_then(|o| o.as_array().ok()) {
                    font.widths = parse_cid_widths(doc, w);
                }
            }
            return font;
        }
        // Simple font: widths.
        let first = deref(doc, dict.get(b"FirstChar").ok())
            .and_then(num)
            .unwrap_or(0.0);
        if let Some(ws) = deref(doc, dict.get(b"Widths").ok()).and_then(|o| o.as_array().ok()) {
            for (i, w) in ws.iter().enumerate().take(256) {
                if let Some(w) = deref(doc, Some(w)).and_then(num) {
                    font.widths.insert(first.max(0.0) as u32 + i as u32, w);
                }
            }
        }
        if subtype.as_deref() == Some("Type3") {
            // Type3 widths are in glyph space: scale them by the FontMatrix to
            // thousandths of the text space unit.
            let scale = deref(doc, dict.get(b"FontMatrix").ok())
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(num)
                .map(|a| a * 1000.0)
                .unwrap_or(1.0);
            for w in font.widths.values_mut() {
                *w *= scale;
            }
        }
        if font.widths.is_empty() {
            // Standard 14 fonts without widths: Helvetica-like approximations.
            let base = name_of(doc, dict.get(b"BaseFont").ok()).unwrap_or_default();
            if base.contains("Courier") {
                font.default_width = 600.0;
            } else {
                font.default_width = 556.0;
                font.widths.insert(32, 278.0);
            }
        }
        // Encoding.
        let mut table = if subtype.as_deref() == Some("Type1")
            && name_of(doc, dict.get(b"BaseFont").ok()).is_some_and(|b| b.contains("Symbol"))
        {
            None
        } else {
            Some(standard_table())
        };
        let enc = deref(doc, dict.get(b"Encoding").ok());
        match enc {
            Some(Object::Name(n)) => table = Some(named_table(n)),
            Some(Object::Dictionary(d)) => {
                if let Some(base) = name_of(doc, d.get(b"BaseEncoding").ok()) {
                    table = Some(named_table(base.as_bytes()));
                }
                let mut t = table.unwrap_or_else(standard_table);
                if let Some(diffs) =
                    deref(doc, d.get(b"Differences").ok()).and_then(|o| o.as_array().ok())
                {
                    let mut code: usize = 0;
                    for item in diffs {
                        match item {
                            Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
                            Object::Name(n) => {
                                if let Some(slot) = t.get_mut(code) {
                                    *slot = glyph_name_char(n).unwrap_or('\u{FFFD}');
                                }
                                code = code.saturating_add(1);
                            }
                            _ => {}
                        }
                    }
                }
                table = Some(t);
            }
            _ => {
                // No /Encoding: a TrueType font usually means WinAnsi-like codes.
                if subtype.as_deref() == Some("TrueType") {
                    table = Some(named_table(b"WinAnsiEncoding"));
                }
            }
        }
        font.encoding = table;
        font
    }

    /// Decodes the bytes of a shown string into glyphs.
    pub fn decode(&self, bytes: &[u8]) -> Vec<DecodedGlyph> {
        let mut out = Vec::with_capacity(bytes.len());
        if self.two_byte {
            for pair in bytes.chunks(2) {
                let code = match pair {
                    [a, b] => (u32::from(*a) << 8) | u32::from(*b),
                    [a] => u32::from(*a),
                    _ => continue,
                };
                out.push(DecodedGlyph {
                    text: without_ligatures(
                        self.to_unicode.get(&code).cloned().unwrap_or_default(),
                    ),
                    width: self
                        .widths
                        .get(&code)
                        .copied()
                        .unwrap_or(self.default_width),
                    is_space_code: false,
                });
            }
        } else {
            for &b in bytes {
                let code = u32::from(b);
                let text = if let Some(t) = self.to_unicode.get(&code) {
                    t.clone()
                } else if let Some(enc) = &self.encoding {
                    enc.get(b as usize)
                        .filter(|c| **c != '\0')
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                } else {
                    char::from(b).to_string()
                };
                out.push(DecodedGlyph {
                    text: without_ligatures(text),
                    width: self
                        .widths
                        .get(&code)
                        .copied()
                        .unwrap_or(self.default_width),
                    is_space_code: b == 32,
                });
            }
        }
        out
    }
}

/// `text` with the Latin typographic ligatures (U+FB00 to U+FB06: "ﬁ", "ﬂ", "ﬀ" …)
/// written as their letters: producers that set ligatures map one glyph to the
/// ligature character, which no word of the rules or of another format spells.
fn without_ligatures(text: String) -> String {
    if !text.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            c => out.push(c),
        }
    }
    out
}

/// The longest code, in bytes, of a CMap's `begincodespacerange` entries (`None`
/// without any).
fn codespace_bytes(cmap: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(cmap);
    let mut longest: Option<usize> = None;
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("begincodespacerange") {
        let after = rest
            .get(at + "begincodespacerange".len()..)
            .unwrap_or_default();
        let (ranges, tail) = after.split_once("endcodespacerange").unwrap_or((after, ""));
        for hex in ranges.split('<').skip(1) {
            let digits = hex
                .split('>')
                .next()
                .unwrap_or_default()
                .chars()
                .filter(char::is_ascii_hexdigit)
                .count();
            let n = digits.div_ceil(2);
            longest = Some(longest.map_or(n, |l| l.max(n)));
        }
        rest = tail;
    }
    longest
}

/// Follows a reference (one level at a time, bounded) to the object.
pub fn deref<'a>(doc: &'a PdfDoc, obj: Option<&'a Object>) -> Option<&'a Object> {
    let mut o = obj?;
    for _ in 0..16 {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            _ => return Some(o),
        }
    }
    None
}

/// A number object as f32.
pub fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn name_of(doc: &PdfDoc, o: Option<&Object>) -> Option<String> {
    match deref(doc, o)? {
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

/// `/W` array of a CIDFont: `c [w1 w2 ...]` and `c1 c2 w` entries.
fn parse_cid_widths(doc: &PdfDoc, w: &[Object]) -> HashMap<u32, f32> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i < w.len() && out.len() < MAX_CMAP_ENTRIES {
        let Some(first) = w.get(i).and_then(num) else {
            break;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, Some(o))) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate() {
                    if let Some(v) = num(v) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                let width = w.get(i + 2).and_then(num).unwrap_or(1000.0);
                let mut c = first;
                while c <= last && out.len() < MAX_CMAP_ENTRIES {
                    out.insert(c, width);
                    c += 1;
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

/// Parses the `bfchar` and `bfrange` sections of a ToUnicode CMap.
pub fn parse_to_unicode(bytes: &[u8]) -> HashMap<u32, String> {
    let toks = cmap_tokens(bytes);
    let mut map = HashMap::new();
    let mut i = 0;
    let mut mode = 0u8; // 1 = bfchar, 2 = bfrange
    while i < toks.len() && map.len() < MAX_CMAP_ENTRIES {
        match toks.get(i) {
            Some(Tok::Word(w)) if w == "beginbfchar" => mode = 1,
            Some(Tok::Word(w)) if w == "beginbfrange" => mode = 2,
            Some(Tok::Word(w)) if w == "endbfchar" || w == "endbfrange" => mode = 0,
            Some(Tok::Hex(src)) if mode == 1 => {
                if let Some(Tok::Hex(dst)) = toks.get(i + 1) {
                    map.insert(be_num(src), utf16_text(dst));
                    i += 1;
                }
            }
            Some(Tok::Hex(lo)) if mode == 2 => {
                let (lo, hi) = match toks.get(i + 1) {
                    Some(Tok::Hex(hi)) => (be_num(lo), be_num(hi)),
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                match toks.get(i + 2) {
                    Some(Tok::Hex(dst)) => {
                        let mut units = utf16_units(dst);
                        let mut c = lo;
                        while c <= hi && map.len() < MAX_CMAP_ENTRIES {
                            map.insert(c, String::from_utf16_lossy(&units));
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(1);
                            }
                            c += 1;
                        }
                        i += 2;
                    }
                    Some(Tok::Open) => {
                        let mut j = i + 3;
                        let mut c = lo;
                        while let Some(Tok::Hex(d)) = toks.get(j) {
                            if c <= hi {
                                map.insert(c, utf16_text(d));
                            }
                            c = c.saturating_add(1);
                            j += 1;
                        }
                        i = j;
                    }
                    _ => i += 1,
                }
            }
            _ => {}
        }
        i += 1;
    }
    map
}

enum Tok {
    Hex(Vec<u8>),
    Word(String),
    Open,
    Close,
}

fn cmap_tokens(bytes: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'<' => {
                if bytes.get(i + 1) == Some(&b'<') {
                    i += 2;
                    continue;
                }
                let mut hex = Vec::new();
                let mut j = i + 1;
                while let Some(&c) = bytes.get(j) {
                    if c == b'>' {
                        break;
                    }
                    if c.is_ascii_hexdigit() {
                        hex.push(c);
                    }
                    j += 1;
                }
                out.push(Tok::Hex(hex_bytes(&hex)));
                i = j + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'%' => {
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while bytes.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    i += 1;
                }
                let w = String::from_utf8_lossy(bytes.get(start..i).unwrap_or_default());
                out.push(Tok::Word(w.into_owned()));
            }
            _ => i += 1,
        }
    }
    out
}

fn hex_bytes(hex: &[u8]) -> Vec<u8> {
    let val = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    hex.chunks(2)
        .map(|p| match p {
            [a, b] => (val(*a) << 4) | val(*b),
            [a] => val(*a) << 4,
            _ => 0,
        })
        .collect()
}

fn be_num(b: &[u8]) -> u32 {
    b.iter()
        .take(4)
        .fold(0u32, |acc, x| (acc << 8) | u32::from(*x))
}

fn utf16_units(b: &[u8]) -> Vec<u16> {
    b.chunks(2)
        .map(|p| match p {
            [a, c] => (u16::from(*a) << 8) | u16::from(*c),
            [a] => u16::from(*a),
            _ => 0,
        })
        .collect()
}

fn utf16_text(b: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(b))
}

fn named_table(name: &[u8]) -> [char; 256] {
    match name {
        b"WinAnsiEncoding" => winansi_table(),
        b"MacRomanEncoding" => macroman_table(),
        _ => standard_table(),
    }
}

fn ascii_table() -> [char; 256] {
    let mut t = ['\0'; 256];
    for (i, slot) in t.iter_mut().enumerate().take(127).skip(32) {
        *slot = char::from(i as u8);
    }
    t
}

/// StandardEncoding: ASCII with curly quotes at 0x27/0x60 (upper half rarely used).
fn standard_table() -> [char; 256] {
    let mut t = ascii_table();
    t[0x27] = '\u{2019}';
    t[0x60] = '\u{2018}';
    t
}

fn winansi_table() -> [char; 256] {
    let mut t = ascii_table();
    const HIGH: [char; 32] = [
        '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0',
        '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
    ];
    for (i, c) in HIGH.iter().enumerate() {
        t[0x80 + i] = *c;
    }
    for (i, slot) in t.iter_mut().enumerate().skip(0xA0) {
        *slot = char::from_u32(i as u32).unwrap_or('\0');
    }
    t[0xAD] = '-';
    t
}

fn macroman_table() -> [char; 256] {
    let mut t = ascii_table();
    const HIGH: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»… ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{F8FF}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";
    for (i, c) in HIGH.chars().enumerate().take(128) {
        t[0x80 + i] = c;
    }
    t
}

/// The character of a glyph name (Adobe Glyph List subset, `uniXXXX`, `uXXXX`).
pub fn glyph_name_char(name: &[u8]) -> Option<char> {
    let n = std::str::from_utf8(name).ok()?;
    let n = n.split('.').next().unwrap_or(n);
    if n.len() == 1 {
        return n.chars().next();
    }
    if let Some(hex) = n.strip_prefix("uni").or_else(|| n.strip_prefix('u'))
        && (4..=6).contains(&hex.len())
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return char::from_u32(v);
    }
    let c = match n {
        "space" | "nbspace" => ' ',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "quoteright" => '’',
        "quoteleft" => '‘',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" | "minus" => '-',
        "period" => '.',
        "slash" => '/',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "asciicircum" => '^',
        "underscore" => '_',
        "grave" => '`',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        "asciitilde" => '~',
        "bullet" => '•',
        "endash" => '–',
        "emdash" => '—',
        "ellipsis" => '…',
        "degree" => '°',
        "section" => '§',
        "copyright" => '©',
        "registered" => '®',
        "eacute" => 'é',
        "egrave" => 'è',
        "fi" => 'ﬁ',
        "fl" => 'ﬂ',
        _ => return None,
    };
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_read_as_letters() {
        assert_eq!(without_ligatures("Veri\u{FB01}kasi".into()), "Verifikasi");
        assert_eq!(
            without_ligatures("\u{FB02}ow e\u{FB03}cient".into()),
            "flow efficient"
        );
        assert_eq!(without_ligatures("Pelaksana".into()), "Pelaksana");
    }

    #[test]
    fn to_unicode_bfchar_and_bfrange() {
        let cmap = b"1 beginbfchar\n<01> <0041>\n<02> <00540069>\nendbfchar\n\
            1 beginbfrange\n<03> <05> <0061>\n<06> <07> [<0058> <0059>]\nendbfrange";
        let m = parse_to_unicode(cmap);
        assert_eq!(m.get(&1).map(String::as_str), Some("A"));
        assert_eq!(m.get(&2).map(String::as_str), Some("Ti"));
        assert_eq!(m.get(&5).map(String::as_str), Some("c"));
        assert_eq!(m.get(&7).map(String::as_str), Some("Y"));
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_char(b"a"), Some('a'));
        assert_eq!(glyph_name_char(b"uni0041"), Some('A'));
        assert_eq!(glyph_name_char(b"comma"), Some(','));
        assert_eq!(winansi_table()[0x93], '“');
        assert_eq!(macroman_table()[0x8E], 'é');
    }
}
