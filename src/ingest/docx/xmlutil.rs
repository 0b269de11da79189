//! Small helpers over quick-xml events: attribute look-up, name tests, entity references.
//!
//! Word parts are matched by their conventional prefixes (`w:`, `wp:`, `a:`, `wps:`,
//! `wpg:`, `v:`, `o:`, `mc:`), which every producer we know writes.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart};

/// The unescaped value of attribute `name` (qualified, e.g. `w:val`), if present and
/// well formed.
pub(crate) fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<Cow<'a, str>> {
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.0 == name {
            return a.normalized_value(XmlVersion::Implicit1_0).ok();
        }
    }
    None
}

/// True when qualified name `qname` has local name `local` (any prefix).
pub(crate) fn local_is(qname: &str, local: &str) -> bool {
    match qname.rsplit_once(':') {
        Some((_, l)) => l == local,
        None => qname == local,
    }
}

/// An on/off property (`<w:tblHeader/>`, `w:val="true"`): on unless its value says off.
pub(crate) fn on_off(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, "w:val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// An integer attribute.
pub(crate) fn attr_i64(e: &BytesStart<'_>, name: &str) -> Option<i64> {
    attr(e, name)?.trim().parse().ok()
}

/// A numeric attribute as f64 (finite only).
pub(crate) fn attr_f64(e: &BytesStart<'_>, name: &str) -> Option<f64> {
    attr(e, name)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The text an entity or character reference in element content stands for.
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
}
