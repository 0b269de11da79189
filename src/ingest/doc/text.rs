//! The piece table ([MS-DOC] 2.9.38 Clx, 2.8.35 PlcPcd) and the main document text.
//!
//! The text of a Word binary document is a sequence of pieces; each piece maps a range
//! of character positions (CPs) to bytes of the `WordDocument` stream, either as
//! 8-bit cp1252 (`fCompressed`, at `fc / 2`) or as UTF-16LE (at `fc`).

use super::bytes::{i16_at, slice, u8_at, u16_at, u32_at};
use crate::error::IngestError;
use crate::ingest::limits::Budget;

/// One piece of the piece table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    /// First CP of the piece.
    pub cp_start: u32,
    /// CP just past the piece.
    pub cp_end: u32,
    /// Byte offset of the piece's first character in the `WordDocument` stream.
    pub fc: u32,
    /// True for 8-bit (cp1252) characters, false for UTF-16LE.
    pub compressed: bool,
    /// The piece's `Prm` (property modifier).
    pub prm: u16,
}

impl Piece {
    /// The stream offset of the character at `cp` (inside this piece).
    pub fn fc_of(&self, cp: u32) -> Option<u32> {
        let d = cp.checked_sub(self.cp_start)?;
        let step = if self.compressed { 1 } else { 2 };
        self.fc.checked_add(d.checked_mul(step)?)
    }
}

/// The parsed Clx: the property-modifier grpprls (Prc) and the pieces.
#[derive(Debug, Default)]
pub(crate) struct Clx {
    /// The `GrpPrl` of each Prc, in order (`Prm1.igrpprl` indexes this).
    pub grpprls: Vec<Vec<u8>>,
    /// The pieces in CP order.
    pub pieces: Vec<Piece>,
}

fn corrupt(msg: impl std::fmt::Display) -> IngestError {
    IngestError::corrupt("piece table (Clx)", msg)
}

/// Parses the Clx found in the table stream.
pub(crate) fn parse_clx(clx: &[u8]) -> Result<Clx, IngestError> {
    let mut out = Clx::default();
    let mut off = 0usize;
    loop {
        match u8_at(clx, off) {
            Some(0x01) => {
                let cb = i16_at(clx, off + 1).ok_or_else(|| corrupt("Prc cut short"))?;
                let cb = usize::try_from(cb).map_err(|_| corrupt("negative Prc size"))?;
                let g = slice(clx, off + 3, cb).ok_or_else(|| corrupt("Prc past the end"))?;
                out.grpprls.push(g.to_vec());
                off = off + 3 + cb;
            }
            Some(0x02) => break,
            Some(t) => return Err(corrupt(format!("unexpected clxt {t:#x}"))),
            None => return Err(corrupt("no Pcdt")),
        }
    }
    let lcb = u32_at(clx, off + 1).ok_or_else(|| corrupt("Pcdt cut short"))? as usize;
    let plc = slice(clx, off + 5, lcb).ok_or_else(|| corrupt("PlcPcd past the end"))?;
    // PlcPcd: (n + 1) CPs of 4 bytes, then n PCDs of 8 bytes.
    if lcb < 4 || !(lcb - 4).is_multiple_of(12) {
        return Err(corrupt(format!("PlcPcd size {lcb} is not 4 + 12n")));
    }
    let n = (lcb - 4) / 12;
    let pcd_base = (n + 1) * 4;
    out.pieces.reserve(n);
    for i in 0..n {
        let cp_start = u32_at(plc, i * 4).ok_or_else(|| corrupt("CP"))?;
        let cp_end = u32_at(plc, i * 4 + 4).ok_or_else(|| corrupt("CP"))?;
        let p = pcd_base + i * 8;
        let fc_raw = u32_at(plc, p + 2).ok_or_else(|| corrupt("PCD"))?;
        let prm = u16_at(plc, p + 6).ok_or_else(|| corrupt("PCD"))?;
        let compressed = fc_raw & 0x4000_0000 != 0;
        let fc = fc_raw & 0x3FFF_FFFF;
        if cp_end < cp_start {
            return Err(corrupt(format!("piece {i} ends before it starts")));
        }
        out.pieces.push(Piece {
            cp_start,
            cp_end,
            fc: if compressed { fc / 2 } else { fc },
            compressed,
            prm,
        });
    }
    Ok(out)
}

/// The document text: one UTF-16 code unit per CP.
#[derive(Debug, Default)]
pub(crate) struct MainText {
    /// Code units, index = CP: the main document first, then as much of the other
    /// stories as the pieces hold.
    pub units: Vec<u16>,
    /// Number of CPs of the main document (the first `main_len` units).
    pub main_len: usize,
}

impl MainText {
    /// The main document's code units.
    pub fn main(&self) -> &[u16] {
        self.units.get(..self.main_len).unwrap_or(&self.units)
    }
}

/// The cp1252 → Unicode table for compressed pieces.
fn cp1252_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    for (i, slot) in t.iter_mut().enumerate() {
        let b = [i as u8];
        let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&b);
        *slot = s.encode_utf16().next().unwrap_or(0xFFFD);
    }
    t
}

/// Reads the first `ccp` CPs of text (the main document) through the pieces, and then
/// up to `total` CPs of the later stories as far as the pieces allow.
///
/// The CP count is capped by the stream size (every CP needs at least one byte), so a
/// lying `ccpText` cannot make the reader allocate more than the file holds.
pub(crate) fn read_main_text(
    wd: &[u8],
    clx: &Clx,
    ccp: u32,
    total: u64,
    budget: &Budget,
) -> Result<MainText, IngestError> {
    let main_len = (ccp as usize).min(wd.len());
    let want = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .max(main_len)
        .min(wd.len());
    let mut units: Vec<u16> = Vec::with_capacity(want);
    let table = cp1252_table();
    for (i, p) in clx.pieces.iter().enumerate() {
        if units.len() >= want {
            break;
        }
        if p.cp_start as usize != units.len() {
            if units.len() >= main_len {
                break;
            }
            return Err(corrupt(format!(
                "piece {i} starts at CP {} but the text so far has {} CPs",
                p.cp_start,
                units.len()
            )));
        }
        budget.check_time("Word text pieces")?;
        let n = ((p.cp_end - p.cp_start) as usize).min(want - units.len());
        // The part of this piece that belongs to the main document must be readable;
        // later stories are read only as far as the stream allows.
        let n_main = main_len.saturating_sub(units.len()).min(n);
        if !decode_piece(wd, p, n, &table, &mut units) {
            if n_main > 0 && decode_piece(wd, p, n_main, &table, &mut units) {
                break;
            }
            if n_main > 0 {
                let kind = if p.compressed { "8-bit" } else { "UTF-16" };
                return Err(corrupt(format!(
                    "piece {i} ({kind}, {n} chars at {}) is past the stream",
                    p.fc
                )));
            }
            break;
        }
    }
    if units.len() < main_len {
        return Err(corrupt(format!(
            "the pieces hold {} CPs of the {} the FIB announces",
            units.len(),
            main_len
        )));
    }
    Ok(MainText { units, main_len })
}

/// Appends the first `n` characters of piece `p`; false (nothing appended) when they
/// lie outside the stream.
fn decode_piece(wd: &[u8], p: &Piece, n: usize, table: &[u16; 256], units: &mut Vec<u16>) -> bool {
    let fc = p.fc as usize;
    if p.compressed {
        let Some(bytes) = slice(wd, fc, n) else {
            return false;
        };
        units.extend(bytes.iter().map(|b| table[usize::from(*b)]));
    } else {
        let Some(bytes) = n.checked_mul(2).and_then(|len| slice(wd, fc, len)) else {
            return false;
        };
        units.extend(
            bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]])),
        );
    }
    true
}

/// The piece holding `cp` (pieces are sorted and contiguous).
pub(crate) fn piece_of(pieces: &[Piece], cp: u32) -> Option<&Piece> {
    let i = pieces.partition_point(|p| p.cp_end <= cp);
    pieces.get(i).filter(|p| p.cp_start <= cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clx_with(pieces: &[(u32, u32, u32, bool)]) -> Vec<u8> {
        let mut plc = Vec::new();
        for p in pieces {
            plc.extend_from_slice(&p.0.to_le_bytes());
        }
        plc.extend_from_slice(&pieces.last().unwrap().1.to_le_bytes());
        for p in pieces {
            plc.extend_from_slice(&[0, 0]);
            let fc = if p.3 { (p.2 * 2) | 0x4000_0000 } else { p.2 };
            plc.extend_from_slice(&fc.to_le_bytes());
            plc.extend_from_slice(&[0, 0]);
        }
        let mut clx = vec![0x02];
        clx.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        clx.extend_from_slice(&plc);
        clx
    }

    #[test]
    fn mixes_8bit_and_utf16_pieces() {
        let mut wd = vec![0u8; 16];
        wd.extend_from_slice(b"Ab\x93c");
        let utf16_at = wd.len() as u32;
        for u in "ü\r".encode_utf16() {
            wd.extend_from_slice(&u.to_le_bytes());
        }
        let clx = parse_clx(&clx_with(&[(0, 4, 16, true), (4, 6, utf16_at, false)])).unwrap();
        let t = read_main_text(&wd, &clx, 6, 6, &Budget::default()).unwrap();
        assert_eq!(String::from_utf16(&t.units).unwrap(), "Ab\u{201C}cü\r");
        assert_eq!(
            piece_of(&clx.pieces, 5).unwrap().fc_of(5),
            Some(utf16_at + 2)
        );
    }

    #[test]
    fn piece_past_the_stream_is_corrupt() {
        let clx = parse_clx(&clx_with(&[(0, 100, 5, true)])).unwrap();
        assert!(read_main_text(&[0u8; 10], &clx, 10, 10, &Budget::default()).is_err());
    }
}
