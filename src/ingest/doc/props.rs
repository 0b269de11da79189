//! Paragraph and table-row properties: the PAPX bin table (PlcBtePapx), its formatted
//! disk pages (PapxFkp) and the sprms the reader needs ([MS-DOC] 2.9.x, 2.6).
//!
//! Only what tells the table structure apart is decoded: in-table / row-end flags, table
//! depth, the cell boundaries of a row (`sprmTDefTable`), vertical merges, header rows
//! and row heights, plus list level/id for numbered paragraphs.

use std::collections::HashMap;

use super::bytes::{i16_at, i32_at, slice, u8_at, u16_at, u32_at};
use crate::error::IngestError;

/// Size of one formatted disk page.
const FKP_SIZE: usize = 512;

const SPRM_P_F_IN_TABLE: u16 = 0x2416;
const SPRM_P_F_PAGE_BREAK_BEFORE: u16 = 0x2407;
const SPRM_P_F_TTP: u16 = 0x2417;
const SPRM_P_ILVL: u16 = 0x260A;
const SPRM_P_ILFO: u16 = 0x460B;
const SPRM_P_ITAP: u16 = 0x6649;
const SPRM_P_F_INNER_TABLE_CELL: u16 = 0x244B;
const SPRM_P_F_INNER_TTP: u16 = 0x244C;
const SPRM_P_CHG_TABS: u16 = 0xC615;
const SPRM_T_DEF_TABLE: u16 = 0xD608;
const SPRM_T_VERT_MERGE: u16 = 0xD62B;
const SPRM_T_TABLE_HEADER: u16 = 0x3404;
const SPRM_T_DYA_ROW_HEIGHT: u16 = 0x9407;
const SPRM_T_DXA_GAP_HALF: u16 = 0x9602;
const SPRM_P_HUGE_PAPX: u16 = 0x6646;

/// `TC80.tcgrf` bits.
const TC_FIRST_MERGED: u16 = 0x0001;
const TC_MERGED: u16 = 0x0002;
const TC_VERT_MERGE: u16 = 0x0020;
const TC_VERT_RESTART: u16 = 0x0040;

/// How a cell takes part in a merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CellMerge {
    /// Continues the horizontally merged cell to its left (old-style `fMerged`).
    pub h_continue: bool,
    /// Continues the vertically merged cell above.
    pub v_continue: bool,
}

/// The row definition of `sprmTDefTable`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TableDef {
    /// Cell boundaries in twips (`itcMac + 1` values, left to right).
    pub centers: Vec<i16>,
    /// Per-cell merge flags (may be shorter than the cell count).
    pub merges: Vec<CellMerge>,
}

/// The decoded properties of one paragraph (and, at a row end, of its row).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ParaProps {
    /// Style index.
    pub istd: u16,
    /// `sprmPFInTable`.
    pub in_table: bool,
    /// `sprmPFPageBreakBefore`.
    pub page_break_before: bool,
    /// `sprmPFTtp`: this mark ends a table row.
    pub ttp: bool,
    /// `sprmPItap`: table depth (0 outside tables).
    pub itap: i32,
    /// `sprmPFInnerTableCell`: ends a cell of a nested table.
    pub inner_cell: bool,
    /// `sprmPFInnerTtp`: ends a row of a nested table.
    pub inner_ttp: bool,
    /// `sprmTDefTable`.
    pub table_def: Option<TableDef>,
    /// `sprmTVertMerge` entries: (cell index, merge flags).
    pub vert_merge: Vec<(u8, u8)>,
    /// `sprmTTableHeader`.
    pub header: bool,
    /// `sprmTDyaRowHeight` (twips; negative = exact).
    pub row_height: Option<i16>,
    /// `sprmTDxaGapHalf` (twips): half the space between cells, the cell's left margin.
    pub gap_half: Option<i16>,
    /// `sprmPIlvl`.
    pub ilvl: Option<u8>,
    /// `sprmPIlfo`.
    pub ilfo: Option<u16>,
    /// `sprmPHugePapx`: offset in the `Data` stream of more sprms.
    pub huge_papx: Option<u32>,
}

impl ParaProps {
    /// The table depth of the paragraph (1 for a plain table, 0 outside tables).
    pub fn depth(&self) -> i32 {
        if self.itap > 0 {
            self.itap
        } else if self.in_table {
            1
        } else {
            0
        }
    }

    /// Applies a grpprl (sequence of sprms) on top of these properties.
    pub fn apply(&mut self, grpprl: &[u8]) {
        let mut off = 0usize;
        while let Some(sprm) = u16_at(grpprl, off) {
            let op = off + 2;
            let Some(len) = operand_len(sprm, grpprl, op) else {
                return;
            };
            let Some(operand) = slice(grpprl, op, len) else {
                return;
            };
            self.apply_one(sprm, operand);
            off = op + len;
        }
    }

    fn apply_one(&mut self, sprm: u16, o: &[u8]) {
        let b0 = || u8_at(o, 0).unwrap_or(0);
        match sprm {
            SPRM_P_F_IN_TABLE => self.in_table = b0() != 0,
            SPRM_P_F_TTP => self.ttp = b0() != 0,
            SPRM_P_F_PAGE_BREAK_BEFORE => self.page_break_before = b0() != 0,
            SPRM_P_F_INNER_TABLE_CELL => self.inner_cell = b0() != 0,
            SPRM_P_F_INNER_TTP => self.inner_ttp = b0() != 0,
            SPRM_P_ITAP => self.itap = i32_at(o, 0).unwrap_or(0),
            SPRM_P_ILVL => self.ilvl = Some(b0()),
            SPRM_P_ILFO => self.ilfo = u16_at(o, 0),
            SPRM_T_TABLE_HEADER => self.header = b0() != 0,
            SPRM_T_DYA_ROW_HEIGHT => self.row_height = i16_at(o, 0),
            SPRM_T_DXA_GAP_HALF => self.gap_half = i16_at(o, 0),
            SPRM_T_DEF_TABLE => self.table_def = parse_table_def(o),
            SPRM_P_HUGE_PAPX => self.huge_papx = u32_at(o, 0),
            SPRM_T_VERT_MERGE => {
                // Operand: cb (1 byte, = 2), itc, flags.
                if let (Some(itc), Some(f)) = (u8_at(o, 1), u8_at(o, 2)) {
                    self.vert_merge.push((itc, f));
                }
            }
            _ => {}
        }
    }
}

/// The length of the operand of `sprm` whose operand starts at `op` in `g`.
fn operand_len(sprm: u16, g: &[u8], op: usize) -> Option<usize> {
    Some(match sprm >> 13 {
        0 | 1 => 1,
        2 | 4 | 5 => 2,
        3 => 4,
        7 => 3,
        _ => match sprm {
            // cb (2 bytes) counts the rest of the operand plus one.
            SPRM_T_DEF_TABLE => (u16_at(g, op)? as usize).max(1) + 1,
            SPRM_P_CHG_TABS => {
                let cb = u8_at(g, op)?;
                if cb == 255 {
                    return None;
                }
                cb as usize + 1
            }
            _ => u8_at(g, op)? as usize + 1,
        },
    })
}

/// Parses a `TDefTableOperand` (the operand including its 2-byte cb).
fn parse_table_def(o: &[u8]) -> Option<TableDef> {
    let n = u8_at(o, 2)? as usize;
    let mut centers = Vec::with_capacity(n + 1);
    for i in 0..=n {
        centers.push(i16_at(o, 3 + i * 2)?);
    }
    let tc_base = 3 + (n + 1) * 2;
    let mut merges = Vec::with_capacity(n);
    for i in 0..n {
        let Some(grf) = u16_at(o, tc_base + i * 20) else {
            break;
        };
        merges.push(CellMerge {
            h_continue: grf & TC_MERGED != 0 && grf & TC_FIRST_MERGED == 0,
            v_continue: grf & TC_VERT_MERGE != 0 && grf & TC_VERT_RESTART == 0,
        });
    }
    Some(TableDef { centers, merges })
}

/// One paragraph-property run of an FKP: the FC range and where its PAPX lies.
#[derive(Debug, Clone, Copy)]
struct PapxRun {
    fc_start: u32,
    fc_end: u32,
    /// Offset and length of `GrpPrlAndIstd` in the `WordDocument` stream; None = default.
    papx: Option<(usize, usize)>,
}

/// Looks up the PAPX of paragraphs by the stream offset of their paragraph mark.
pub(crate) struct PapxIndex<'a> {
    wd: &'a [u8],
    data: &'a [u8],
    /// (fc_start, fc_end, page number) of each FKP.
    bins: Vec<(u32, u32, u32)>,
    pages: HashMap<u32, Vec<PapxRun>>,
}

impl<'a> PapxIndex<'a> {
    /// Reads PlcBtePapx from the table stream (None = no bin table: all defaults).
    /// `data` is the `Data` stream (empty when the file has none), where
    /// `sprmPHugePapx` keeps the sprms that do not fit in a page.
    pub fn new(wd: &'a [u8], data: &'a [u8], plc: Option<&[u8]>) -> Result<Self, IngestError> {
        let mut bins = Vec::new();
        if let Some(plc) = plc {
            if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(8) {
                return Err(IngestError::corrupt(
                    "PlcBtePapx",
                    format!("size {} is not 4 + 8n", plc.len()),
                ));
            }
            let n = (plc.len() - 4) / 8;
            let pn_base = (n + 1) * 4;
            for i in 0..n {
                let (Some(a), Some(b), Some(pn)) = (
                    u32_at(plc, i * 4),
                    u32_at(plc, i * 4 + 4),
                    u32_at(plc, pn_base + i * 4),
                ) else {
                    break;
                };
                bins.push((a, b, pn & 0x003F_FFFF));
            }
        }
        Ok(PapxIndex {
            wd,
            data,
            bins,
            pages: HashMap::new(),
        })
    }

    /// The properties of the paragraph whose mark is at stream offset `fc`.
    pub fn props_at(&mut self, fc: u32) -> ParaProps {
        let mut props = ParaProps::default();
        let i = self.bins.partition_point(|b| b.1 <= fc);
        let Some(&(a, _, pn)) = self.bins.get(i) else {
            return props;
        };
        if a > fc {
            return props;
        }
        let wd = self.wd;
        let runs = self.pages.entry(pn).or_insert_with(|| parse_fkp(wd, pn));
        let j = runs.partition_point(|r| r.fc_end <= fc);
        let Some(run) = runs.get(j).filter(|r| r.fc_start <= fc) else {
            return props;
        };
        if let Some((off, len)) = run.papx
            && let Some(g) = slice(wd, off, len)
        {
            props.istd = u16_at(g, 0).unwrap_or(0);
            if let Some(rest) = g.get(2..) {
                props.apply(rest);
            }
        }
        if let Some(at) = props.huge_papx.take() {
            // PrcData in the Data stream: cbGrpprl (2 bytes) then the grpprl.
            let at = at as usize;
            if let Some(cb) = u16_at(self.data, at)
                && let Some(g) = slice(self.data, at + 2, cb as usize)
            {
                props.apply(g);
                props.huge_papx = None;
            }
        }
        props
    }
}

/// Parses the PapxFkp at page `pn`; a damaged page yields no runs (default properties).
fn parse_fkp(wd: &[u8], pn: u32) -> Vec<PapxRun> {
    let Some(base) = (pn as usize).checked_mul(FKP_SIZE) else {
        return Vec::new();
    };
    let Some(page) = slice(wd, base, FKP_SIZE) else {
        return Vec::new();
    };
    let crun = u8_at(page, FKP_SIZE - 1).unwrap_or(0) as usize;
    let bx_base = (crun + 1) * 4;
    let mut runs = Vec::with_capacity(crun);
    for i in 0..crun {
        let (Some(a), Some(b), Some(b_off)) = (
            u32_at(page, i * 4),
            u32_at(page, i * 4 + 4),
            u8_at(page, bx_base + i * 13),
        ) else {
            break;
        };
        let papx = if b_off == 0 {
            None
        } else {
            let at = b_off as usize * 2;
            match u8_at(page, at) {
                Some(0) => u8_at(page, at + 1).map(|cb| (base + at + 2, cb as usize * 2)),
                Some(cb) => Some((base + at + 1, (cb as usize * 2).saturating_sub(1))),
                None => None,
            }
            // The PAPX must lie inside the page.
            .filter(|&(o, l)| o + l <= base + FKP_SIZE)
        };
        runs.push(PapxRun {
            fc_start: a,
            fc_end: b,
            papx,
        });
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_row_end_sprms() {
        let mut g = Vec::new();
        g.extend_from_slice(&SPRM_P_F_IN_TABLE.to_le_bytes());
        g.push(1);
        g.extend_from_slice(&SPRM_P_F_TTP.to_le_bytes());
        g.push(1);
        // TDefTable with 2 cells: cb, itcMac, 3 centers, 2 TC80s.
        let body_len = 1 + 3 * 2 + 2 * 20;
        g.extend_from_slice(&SPRM_T_DEF_TABLE.to_le_bytes());
        g.extend_from_slice(&((body_len + 1) as u16).to_le_bytes());
        g.push(2);
        for c in [-108i16, 1000, 3000] {
            g.extend_from_slice(&c.to_le_bytes());
        }
        let mut tc = [0u8; 40];
        tc[20..22].copy_from_slice(&TC_VERT_MERGE.to_le_bytes());
        g.extend_from_slice(&tc);
        g.extend_from_slice(&SPRM_T_TABLE_HEADER.to_le_bytes());
        g.push(1);
        let mut p = ParaProps::default();
        p.apply(&g);
        assert!(p.in_table && p.ttp && p.header);
        let d = p.table_def.unwrap();
        assert_eq!(d.centers, vec![-108, 1000, 3000]);
        assert!(!d.merges[0].v_continue);
        assert!(d.merges[1].v_continue);
    }

    #[test]
    fn truncated_grpprl_stops_quietly() {
        let mut p = ParaProps::default();
        p.apply(&[0x08, 0xD6, 0xFF, 0xFF, 0x02]);
        assert_eq!(p, ParaProps::default());
    }
}
