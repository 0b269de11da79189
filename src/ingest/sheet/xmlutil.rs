//! Small quick-xml helpers shared by the sheet parts' readers: attributes by local name,
//! text with entity references, a guarded event loop.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::IngestError;
use crate::ingest::xml::XmlGuard;

/// The value of the attribute whose local name is `name` (any prefix), unescaped.
pub fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(
            |a| match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(_) => a.value.clone().into_owned(),
            },
        )
}

/// The attribute `name` parsed as a number.
pub fn attr_num<T: std::str::FromStr>(e: &BytesStart<'_>, name: &str) -> Option<T> {
    attr(e, name).and_then(|v| v.trim().parse().ok())
}

/// True when attribute `name` is `1` or `true`.
pub fn attr_bool(e: &BytesStart<'_>, name: &str) -> bool {
    matches!(attr(e, name).as_deref(), Some("1" | "true"))
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
    pub fn new(xml: &'x [u8], budget: &'b crate::ingest::limits::Budget, part: &str) -> Self {
        GuardedReader {
            reader: Reader::from_reader(xml),
            guard: XmlGuard::new(budget, part),
            part: part.to_string(),
        }
    }

    /// The next event, checked; XML errors are `corrupt`.
    pub fn next(&mut self) -> Result<Event<'x>, IngestError> {
        let ev = self
            .reader
            .read_event()
            .map_err(|e| IngestError::corrupt(self.part.clone(), e))?;
        self.guard.check(&ev)?;
        Ok(ev)
    }
}
