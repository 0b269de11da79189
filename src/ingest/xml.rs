//! XML for every reader that parses parts with quick-xml (Word, the spreadsheet parts,
//! OpenDocument): guards against hostile parts (no entity declarations, bounded nesting
//! depth and element count, periodic time checks), a guarded event loop, and attribute
//! and text helpers.
//!
//! Attributes are looked up in two ways, named apart because they behave apart:
//! [`attr_qualified`] matches the qualified name as written (`w:val`, for Word parts whose
//! prefixes every producer writes the same) and gives nothing for a malformed value;
//! [`attr_local`] matches the local name under any prefix (spreadsheet and OpenDocument
//! parts, whose prefixes vary by producer) and falls back to the raw value when it
//! cannot be unescaped.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::IngestError;
use crate::ingest::limits::Budget;

/// Counts depth and elements of one XML part as its events stream past.
pub struct XmlGuard<'b> {
    budget: &'b Budget,
    part: String,
    depth: usize,
    elements: u64,
}

impl<'b> XmlGuard<'b> {
    /// A guard for part `part` (named in errors).
    pub fn new(budget: &'b Budget, part: impl Into<String>) -> Self {
        XmlGuard {
            budget,
            part: part.into(),
            depth: 0,
            elements: 0,
        }
    }

    /// Checks one event: refuses a DOCTYPE declaring entities, too deep a nesting, too many elements, and
    /// a spent time budget.
    pub fn check(&mut self, ev: &Event<'_>) -> Result<(), IngestError> {
        match ev {
            Event::Start(_) => {
                self.depth += 1;
                self.count()?;
                if self.depth > self.budget.limits.max_xml_depth {
                    return Err(IngestError::corrupt(
                        self.part.clone(),
                        format!(
                            "XML nests deeper than {} elements",
                            self.budget.limits.max_xml_depth
                        ),
                    ));
                }
            }
            Event::Empty(_) => self.count()?,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::DocType(d) if declares_entities(d.as_ref().as_bytes()) => {
                return Err(IngestError::corrupt(
                    self.part.clone(),
                    "XML declares a DTD with entity declarations, which OOXML and ODF forbid (entity expansion attack)",
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn count(&mut self) -> Result<(), IngestError> {
        self.elements += 1;
        if self.elements > self.budget.limits.max_xml_elements {
            return Err(IngestError::TooLarge(format!(
                "{} has more than {} XML elements",
                self.part, self.budget.limits.max_xml_elements
            )));
        }
        if self.elements.is_multiple_of(65_536) {
            self.budget.check_time(&self.part)?;
        }
        Ok(())
    }
}

/// True when a DOCTYPE's text declares entities (general or parameter). A DOCTYPE that
/// only names its root or an external DTD (OpenOffice.org 2 manifests, Basic macro
/// modules) expands nothing: quick-xml never loads an external DTD.
fn declares_entities(doctype: &[u8]) -> bool {
    const MARK: &[u8] = b"<!ENTITY";
    doctype
        .windows(MARK.len())
        .any(|w| w.eq_ignore_ascii_case(MARK))
}

/// Walks a whole XML part through an [`XmlGuard`] without building anything: a cheap
/// pre-check for parts that another library (calamine) will parse.
pub fn prescan(xml: &[u8], budget: &Budget, part: &str) -> Result<(), IngestError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut guard = XmlGuard::new(budget, part);
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| IngestError::corrupt(part, e))?;
        if matches!(ev, Event::Eof) {
            break;
        }
        guard.check(&ev)?;
        buf.clear();
    }
    Ok(())
}

/// The unescaped value of the attribute whose qualified name is `name` (e.g. `w:val`),
/// if present and well formed.
pub fn attr_qualified<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<Cow<'a, str>> {
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.0 == name {
            return a.normalized_value(XmlVersion::Implicit1_0).ok();
        }
    }
    None
}

/// True when qualified name `qname` has local name `local` (any prefix).
pub fn local_is(qname: &str, local: &str) -> bool {
    match qname.rsplit_once(':') {
        Some((_, l)) => l == local,
        None => qname == local,
    }
}

/// A Word on/off property (`<w:tblHeader/>`, `w:val="true"`): on unless its value says
/// off.
pub fn word_on_off(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr_qualified(e, "w:val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// An integer attribute, by qualified name.
pub fn attr_qualified_i64(e: &BytesStart<'_>, name: &str) -> Option<i64> {
    attr_qualified(e, name)?.trim().parse().ok()
}

/// A numeric attribute as f64 (finite only), by qualified name.
pub fn attr_qualified_f64(e: &BytesStart<'_>, name: &str) -> Option<f64> {
    attr_qualified(e, name)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The text an entity or character reference in element content stands for.
pub fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
}

/// The value of the attribute whose local name is `name` (any prefix), unescaped, or
/// raw when it cannot be unescaped.
pub fn attr_local(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => a.value.clone().into_owned(),
        })
}

/// The attribute of local name `name` parsed as a number.
pub fn attr_local_num<T: std::str::FromStr>(e: &BytesStart<'_>, name: &str) -> Option<T> {
    attr_local(e, name).and_then(|v| v.trim().parse().ok())
}

/// True when the attribute of local name `name` is `1` or `true`.
pub fn attr_local_bool(e: &BytesStart<'_>, name: &str) -> bool {
    matches!(attr_local(e, name).as_deref(), Some("1" | "true"))
}

/// Appends the text of a text, CDATA or entity-reference event to `out`.
pub fn push_text(out: &mut String, ev: &Event<'_>) {
    match ev {
        Event::Text(t) => out.push_str(&t.xml10_content()),
        Event::CData(c) => out.push_str(&c.xml10_content()),
        Event::GeneralRef(r) => {
            if let Ok(Some(ch)) = r.resolve_char_ref() {
                out.push(ch);
            } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
            {
                out.push_str(s);
            }
        }
        _ => {}
    }
}

/// A quick-xml reader over a whole part, checked event by event with an [`XmlGuard`].
pub struct GuardedReader<'x, 'b> {
    reader: Reader<&'x [u8]>,
    guard: XmlGuard<'b>,
    part: String,
}

impl<'x, 'b> GuardedReader<'x, 'b> {
    /// A reader over `xml`, part `part`, accounting against `budget`.
    pub fn new(xml: &'x [u8], budget: &'b Budget, part: &str) -> Self {
        GuardedReader {
            reader: Reader::from_reader(xml),
            guard: XmlGuard::new(budget, part),
            part: part.to_string(),
        }
    }

    /// The next event, checked; XML errors are `corrupt`.
    // Not an `Iterator`: every call may fail, and `Eof` is an event the loops match.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event<'x>, IngestError> {
        let ev = self
            .reader
            .read_event()
            .map_err(|e| IngestError::corrupt(self.part.clone(), e))?;
        self.guard.check(&ev)?;
        Ok(ev)
    }
}
