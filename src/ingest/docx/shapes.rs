//! Shape vocabulary of Word documents: DrawingML preset names, VML elements and shape
//! types mapped to [`ShapeKind`], and the small parsers VML needs (lengths, `style`
//! declarations, point pairs).

use crate::model::ShapeKind;

/// Points per EMU (English Metric Unit): 12 700 EMU make a point.
pub(crate) const PT_PER_EMU: f64 = 1.0 / 12_700.0;
/// Points per twip (dxa): 20 twips make a point.
pub(crate) const PT_PER_TWIP: f64 = 1.0 / 20.0;

/// The kind of a DrawingML shape from its preset geometry (`a:prstGeom@prst`), whether
/// it has custom geometry instead, and whether it is a connector (`wps:cNvCnPr`).
pub(crate) fn drawingml_kind(prst: Option<&str>, connector: bool) -> ShapeKind {
    if connector {
        return ShapeKind::Arrow;
    }
    match prst {
        Some(p) => preset_kind(p),
        None => ShapeKind::Other,
    }
}

/// The kind of a DrawingML preset geometry name.
pub(crate) fn preset_kind(prst: &str) -> ShapeKind {
    ShapeKind::from_preset(prst)
}

/// The kind of a VML shape type number (`o:spt`, or the `NNN` of `#_x0000_tNNN`).
pub(crate) fn vml_spt_kind(spt: u32) -> ShapeKind {
    ShapeKind::from_office_type(spt)
}

/// The shape type number of a VML `type` reference such as `#_x0000_t116`.
pub(crate) fn vml_type_number(type_ref: &str) -> Option<u32> {
    let id = type_ref.trim().trim_start_matches('#');
    let digits = id.rsplit_once("_t").map(|(_, d)| d)?;
    digits.parse().ok()
}

/// The kind of a VML element by its name (`v:rect`, `v:roundrect`, ...); `None` for
/// `v:shape`, whose kind comes from its type.
pub(crate) fn vml_element_kind(name: &str) -> Option<ShapeKind> {
    match name {
        "v:rect" => Some(ShapeKind::Process),
        "v:roundrect" => Some(ShapeKind::Terminator),
        "v:oval" => Some(ShapeKind::Connector),
        "v:line" | "v:polyline" | "v:curve" => Some(ShapeKind::Arrow),
        "v:image" | "v:arc" => Some(ShapeKind::Other),
        _ => None,
    }
}

/// A VML length (`12.5pt`, `1in`, `0.5cm`, `3mm`, `10px`, `2pc`, `12700emu`) in points.
/// A bare number is returned as is (group coordinate units, or pixels at top level:
/// the caller decides).
pub(crate) fn vml_length(s: &str) -> Option<(f64, bool)> {
    let s = s.trim();
    let split = s
        .find(|c: char| c.is_ascii_alphabetic() || c == '%')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.trim().parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let pt = match unit.trim() {
        "" => return Some((v, false)),
        "pt" => v,
        "in" => v * 72.0,
        "cm" => v * 72.0 / 2.54,
        "mm" => v * 72.0 / 25.4,
        "px" => v * 0.75,
        "pc" => v * 12.0,
        "emu" => v * PT_PER_EMU,
        _ => return None,
    };
    Some((pt, true))
}

/// A VML point pair such as `28.9pt,21.7pt` (from/to of a line), in points or in bare
/// units (flagged false).
pub(crate) fn vml_point(s: &str) -> Option<(f64, f64, bool)> {
    let (a, b) = s.split_once(',')?;
    let (x, ux) = vml_length(a)?;
    let (y, uy) = vml_length(b)?;
    Some((x, y, ux && uy))
}

/// A pair of integers such as `coordsize="21600,21600"`.
pub(crate) fn int_pair(s: &str) -> Option<(f64, f64)> {
    let (a, b) = s.split_once(',')?;
    let x: f64 = a.trim().parse().ok()?;
    let y: f64 = b.trim().parse().ok()?;
    Some((x, y))
}

/// The parts of a VML `style` attribute placement needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct VmlStyle {
    /// `position:absolute` (floating) rather than inline.
    pub absolute: bool,
    /// Horizontal offset (`margin-left` or `left`), value and whether it had a unit.
    pub left: Option<(f64, bool)>,
    /// Vertical offset (`margin-top` or `top`).
    pub top: Option<(f64, bool)>,
    /// Width.
    pub width: Option<(f64, bool)>,
    /// Height.
    pub height: Option<(f64, bool)>,
    /// `mso-position-horizontal-relative`.
    pub h_rel: Option<String>,
    /// `mso-position-vertical-relative`.
    pub v_rel: Option<String>,
    /// `flip` contains `x`.
    pub flip_x: bool,
    /// `flip` contains `y`.
    pub flip_y: bool,
}

/// Parses a VML `style` attribute (CSS-like `name:value;` declarations).
pub(crate) fn vml_style(style: &str) -> VmlStyle {
    let mut st = VmlStyle::default();
    for decl in style.split(';') {
        let Some((k, v)) = decl.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "position" => st.absolute = v.eq_ignore_ascii_case("absolute"),
            "margin-left" => st.left = vml_length(v).or(st.left),
            "left" if st.left.is_none() => st.left = vml_length(v),
            "margin-top" => st.top = vml_length(v).or(st.top),
            "top" if st.top.is_none() => st.top = vml_length(v),
            "width" => st.width = vml_length(v),
            "height" => st.height = vml_length(v),
            "mso-position-horizontal-relative" => st.h_rel = Some(v.to_ascii_lowercase()),
            "mso-position-vertical-relative" => st.v_rel = Some(v.to_ascii_lowercase()),
            "flip" => {
                st.flip_x = v.contains('x');
                st.flip_y = v.contains('y');
            }
            _ => {}
        }
    }
    st
}

/// A symbol font whose code points show other glyphs than their Unicode meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SymbolFont {
    /// Wingdings.
    Wingdings,
    /// Wingdings 2.
    Wingdings2,
    /// Symbol.
    Symbol,
}

impl SymbolFont {
    /// The symbol font of a font name, if it is one.
    pub(crate) fn of(name: &str) -> Option<SymbolFont> {
        let n = name.trim().to_ascii_lowercase();
        match n.as_str() {
            "wingdings" => Some(SymbolFont::Wingdings),
            "wingdings 2" => Some(SymbolFont::Wingdings2),
            "symbol" => Some(SymbolFont::Symbol),
            _ => None,
        }
    }

    /// What code point `v` (0x00–0xFF, or its 0xF0xx private-use form) shows, for
    /// the marks and bullets SOP documents use; `None` for other code points.
    pub(crate) fn glyph(self, v: u32) -> Option<char> {
        let v = if (0xF000..=0xF0FF).contains(&v) {
            v - 0xF000
        } else {
            v
        };
        Some(match (self, v) {
            (SymbolFont::Wingdings, 0xFC) => '✓',
            (SymbolFont::Wingdings, 0xFB) => '✗',
            (SymbolFont::Wingdings, 0xFD) => '☒',
            (SymbolFont::Wingdings, 0xFE) => '☑',
            (SymbolFont::Wingdings, 0xA8) => '☐',
            (SymbolFont::Wingdings, 0x6C) => '●',
            (SymbolFont::Wingdings, 0x6E) => '■',
            (SymbolFont::Wingdings, 0x9F) => '•',
            (SymbolFont::Wingdings, 0xE0) => '→',
            (SymbolFont::Wingdings2, 0x50) => '✓',
            (SymbolFont::Wingdings2, 0x4F) => '✗',
            (SymbolFont::Wingdings2, 0x52) => '☑',
            (SymbolFont::Wingdings2, 0x54) => '☒',
            (SymbolFont::Wingdings2, 0xA3) => '☐',
            (SymbolFont::Wingdings2, 0x98) => '●',
            (SymbolFont::Symbol, 0xD6) => '√',
            (SymbolFont::Symbol, 0xB7) => '•',
            (SymbolFont::Symbol, 0xAE) => '→',
            (SymbolFont::Symbol, 0xB4) => '×',
            _ => return None,
        })
    }
}

/// The character a `w:sym` element stands for (`w:char` hex in `w:font`): the glyph a
/// symbol font shows where we know it, else the code point itself.
pub(crate) fn sym_char(font: Option<&str>, code: &str) -> Option<char> {
    let v = u32::from_str_radix(code.trim(), 16).ok()?;
    if let Some(c) = font.and_then(SymbolFont::of).and_then(|f| f.glyph(v)) {
        return Some(c);
    }
    char::from_u32(v)
}

/// Text of a run set in a symbol font, with the glyphs we know mapped to what they
/// show (`ü` in Wingdings is a tick).
pub(crate) fn map_symbol_text(font: SymbolFont, text: &str, out: &mut String) {
    for c in text.chars() {
        out.push(font.glyph(u32::from(c)).unwrap_or(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_producer_names() {
        assert_eq!(preset_kind("flowChartTerminator"), ShapeKind::Terminator);
        assert_eq!(preset_kind("roundRect"), ShapeKind::Terminator);
        assert_eq!(preset_kind("diamond"), ShapeKind::Decision);
        assert_eq!(preset_kind("bentConnector3"), ShapeKind::Arrow);
        assert_eq!(preset_kind("homePlate"), ShapeKind::OffPage);
        assert_eq!(preset_kind("cloud"), ShapeKind::Other);
        assert_eq!(drawingml_kind(Some("rect"), true), ShapeKind::Arrow);
        assert_eq!(vml_type_number("#_x0000_t116"), Some(116));
        assert_eq!(vml_spt_kind(4), ShapeKind::Decision);
        assert_eq!(vml_spt_kind(177), ShapeKind::OffPage);
    }

    #[test]
    fn parses_vml_style_and_lengths() {
        let st = vml_style(
            "position:absolute;margin-left:-1.1pt;margin-top:13.9pt;width:39.7pt;height:15.6pt;\
             z-index:1002;mso-position-horizontal-relative:text",
        );
        assert!(st.absolute);
        assert_eq!(st.left, Some((-1.1, true)));
        assert_eq!(st.width, Some((39.7, true)));
        assert_eq!(st.h_rel.as_deref(), Some("text"));
        assert_eq!(vml_length("1in"), Some((72.0, true)));
        assert_eq!(vml_length("500"), Some((500.0, false)));
        assert_eq!(vml_point("28.9pt,21.7pt"), Some((28.9, 21.7, true)));
        assert_eq!(sym_char(Some("Wingdings"), "F0FC"), Some('✓'));
        assert_eq!(sym_char(Some("Symbol"), "F0D6"), Some('√'));
        let mut s = String::new();
        map_symbol_text(SymbolFont::Wingdings2, "P", &mut s);
        assert_eq!(s, "✓");
    }
}
