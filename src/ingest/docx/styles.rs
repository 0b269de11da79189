//! What shape placement needs from `word/styles.xml`: the left cell margin and indent
//! of each table style (`w:tblPr/w:tblCellMar`, `w:tblInd`), following `w:basedOn`,
//! and which table style is the default (`TableNormal`).

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::xml::XmlGuard;

use crate::ingest::xml::{attr_qualified, local_is};

const PART: &str = "word/styles.xml";

/// Table properties a table style sets (twips).
#[derive(Clone, Debug, Default)]
struct TableStyle {
    based_on: Option<String>,
    cell_mar_left: Option<f64>,
    ind: Option<f64>,
}

/// The table styles of a document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Styles {
    tables: HashMap<String, TableStyle>,
    default_table: Option<String>,
}

impl Styles {
    /// Reads the table styles of `word/styles.xml`, stopping as soon as the default
    /// table style, every style in `wanted` and the styles they are based on are read.
    pub(crate) fn parse(
        xml: &[u8],
        wanted: &[&str],
        budget: &Budget,
    ) -> Result<Styles, IngestError> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut guard = XmlGuard::new(budget, PART);
        let mut styles = Styles::default();
        // The table style being read: (id, props), and whether we are inside its tblPr /
        // tblCellMar.
        let mut cur: Option<(String, TableStyle)> = None;
        let mut in_tblpr = false;
        let mut in_cellmar = false;
        loop {
            let ev = reader
                .read_event()
                .map_err(|e| IngestError::corrupt(PART, e))?;
            guard.check(&ev)?;
            match &ev {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    let name = e.name().0;
                    match name {
                        "w:style" => {
                            let is_table = attr_qualified(e, "w:type").as_deref() == Some("table");
                            if is_table && !empty {
                                let id = attr_qualified(e, "w:styleId")
                                    .unwrap_or_default()
                                    .into_owned();
                                if matches!(
                                    attr_qualified(e, "w:default").as_deref(),
                                    Some("1" | "true")
                                ) {
                                    styles.default_table = Some(id.clone());
                                }
                                cur = Some((id, TableStyle::default()));
                            }
                        }
                        "w:basedOn" => {
                            if let Some((_, ts)) = cur.as_mut() {
                                ts.based_on = attr_qualified(e, "w:val").map(|v| v.into_owned());
                            }
                        }
                        "w:tblPr" if cur.is_some() && !empty => in_tblpr = true,
                        "w:tblCellMar" if in_tblpr && !empty => in_cellmar = true,
                        "w:tblInd" if in_tblpr => {
                            if let Some((_, ts)) = cur.as_mut() {
                                ts.ind = dxa(e);
                            }
                        }
                        n if in_cellmar && (local_is(n, "left") || local_is(n, "start")) => {
                            if let Some((_, ts)) = cur.as_mut() {
                                ts.cell_mar_left = dxa(e);
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.name().0 {
                    "w:style" => {
                        if let Some((id, ts)) = cur.take() {
                            styles.tables.insert(id, ts);
                            if styles.complete(wanted) {
                                break;
                            }
                        }
                        in_tblpr = false;
                        in_cellmar = false;
                    }
                    "w:tblPr" => in_tblpr = false,
                    "w:tblCellMar" => in_cellmar = false,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(styles)
    }

    /// True when the default table style and every wanted style, with the chains of
    /// styles they are based on, have been read.
    fn complete(&self, wanted: &[&str]) -> bool {
        let Some(default) = self.default_table.as_deref() else {
            return false;
        };
        std::iter::once(default)
            .chain(wanted.iter().copied())
            .all(|id| {
                let mut next = Some(id);
                for _ in 0..16 {
                    let Some(n) = next else {
                        return true;
                    };
                    let Some(ts) = self.tables.get(n) else {
                        return false;
                    };
                    next = ts.based_on.as_deref();
                }
                true
            })
    }

    /// The left cell margin (twips) of table style `id` (or the default table style),
    /// following `basedOn`.
    pub(crate) fn cell_mar_left(&self, id: Option<&str>) -> Option<f64> {
        self.resolve(id, |t| t.cell_mar_left)
    }

    /// The table indent (twips) of table style `id` (or the default table style).
    pub(crate) fn ind(&self, id: Option<&str>) -> Option<f64> {
        self.resolve(id, |t| t.ind)
    }

    fn resolve(&self, id: Option<&str>, get: impl Fn(&TableStyle) -> Option<f64>) -> Option<f64> {
        let mut next = id.or(self.default_table.as_deref());
        // basedOn chains are short; the bound stops a cycle.
        for _ in 0..16 {
            let ts = self.tables.get(next?)?;
            if let Some(v) = get(ts) {
                return Some(v);
            }
            next = ts.based_on.as_deref();
        }
        None
    }
}

/// A `w:w` width attribute in twips, when its `w:type` is `dxa` (or absent).
pub(crate) fn dxa(e: &quick_xml::events::BytesStart<'_>) -> Option<f64> {
    match attr_qualified(e, "w:type").as_deref() {
        None | Some("dxa") => attr_qualified(e, "w:w")?.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_based_on_and_default() {
        let xml = br#"<w:styles xmlns:w="x">
          <w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:tblPr>
            <w:tblInd w:w="0" w:type="dxa"/>
            <w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>
          </w:tblPr></w:style>
          <w:style w:type="table" w:styleId="TableGrid"><w:basedOn w:val="TableNormal"/></w:style>
          <w:style w:type="table" w:styleId="Wide"><w:tblPr><w:tblCellMar><w:start w:w="200"/></w:tblCellMar></w:tblPr></w:style>
        </w:styles>"#;
        let s = Styles::parse(xml, &["TableGrid", "Wide"], &Budget::default()).unwrap();
        assert_eq!(s.cell_mar_left(None), Some(108.0));
        assert_eq!(s.cell_mar_left(Some("TableGrid")), Some(108.0));
        assert_eq!(s.cell_mar_left(Some("Wide")), Some(200.0));
        assert_eq!(s.ind(Some("TableGrid")), Some(0.0));
    }
}
