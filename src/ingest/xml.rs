//! Guards for XML parts read with quick-xml: no entity declarations (billion laughs), bounded nesting
//! depth and element count, periodic time checks.

use quick_xml::events::Event;

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

    /// The current element depth.
    pub fn depth(&self) -> usize {
        self.depth
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
