//! The File Information Block ([MS-DOC] 2.5.1): the header of the `WordDocument` stream
//! that says which table stream to read, whether the file is encrypted, how long the
//! main text is and where every structure sits in the table stream.

use super::bytes::{u16_at, u32_at};
use crate::error::IngestError;

/// `wIdent` of a Word binary document.
const W_IDENT: u16 = 0xA5EC;
/// The lowest `nFib` of Word 97 and later (earlier versions use another layout).
const NFIB_WORD97: u16 = 0x00C1;
/// The `nFib` Word 6.0 writes (Word 95 writes 0x68 and later, up to Word 97's).
const NFIB_WORD6: u16 = 0x0065;
/// The first `nFib` of Word 95 (Word for Windows 7.0).
const NFIB_WORD95: u16 = 0x0068;

/// The Word version that writes `nFib` (for one older than Word 97).
fn pre97_version(n_fib: u16) -> &'static str {
    if n_fib >= NFIB_WORD95 {
        "Word 95"
    } else if n_fib >= NFIB_WORD6 {
        "Word 6.0"
    } else {
        "Word 2.0 or earlier"
    }
}

/// Index of `fcPlcfSed`/`lcbPlcfSed` in FibRgFcLcb97 (section descriptors).
pub(crate) const PAIR_PLCF_SED: usize = 6;
/// Index of `fcPlcfBtePapx` (paragraph property bin table).
pub(crate) const PAIR_PLCF_BTE_PAPX: usize = 13;
/// Index of `fcClx` (the piece table).
pub(crate) const PAIR_CLX: usize = 33;
/// Index of `fcPlcSpaMom` (shape anchors of the main document).
pub(crate) const PAIR_PLC_SPA_MOM: usize = 40;
/// Index of `fcDggInfo` (OfficeArt drawing data).
pub(crate) const PAIR_DGG_INFO: usize = 50;
/// Index of `fcPlcftxbxTxt` (text boxes of the main document).
pub(crate) const PAIR_PLCF_TXBX_TXT: usize = 56;

/// What the reader needs from the FIB.
#[derive(Debug, Clone)]
pub(crate) struct Fib {
    /// True when the table stream is `1Table` (else `0Table`).
    pub which_table_1: bool,
    /// Number of characters in the main document text.
    pub ccp_text: u32,
    /// First CP of the main document's text-box story (after the main text, footnotes,
    /// headers, comments and endnotes).
    pub cp_txbx: u64,
    /// Number of characters in the text-box story.
    pub ccp_txbx: u32,
    /// The `fc`/`lcb` pairs of FibRgFcLcb (offsets and sizes in the table stream).
    pub fc_lcb: Vec<(u32, u32)>,
}

impl Fib {
    /// The (offset, length) pair number `i`, `None` when absent or empty.
    pub fn pair(&self, i: usize) -> Option<(usize, usize)> {
        let (fc, lcb) = *self.fc_lcb.get(i)?;
        if lcb == 0 {
            return None;
        }
        Some((fc as usize, lcb as usize))
    }
}

fn corrupt(msg: impl std::fmt::Display) -> IngestError {
    IngestError::corrupt("WordDocument FIB", msg)
}

/// Parses the FIB at the start of the `WordDocument` stream.
///
/// Fails with `encrypted` when `fEncrypted` is set (or the file is obfuscated), with
/// `unsupported` for pre-97 Word versions, and with `corrupt` when the FIB is cut short
/// or not a Word FIB at all.
pub(crate) fn parse(wd: &[u8]) -> Result<Fib, IngestError> {
    let ident = u16_at(wd, 0).ok_or_else(|| corrupt("stream shorter than the FIB"))?;
    if ident != W_IDENT {
        return Err(corrupt(format!("wIdent is {ident:#06x}, not 0xA5EC")));
    }
    let n_fib = u16_at(wd, 2).ok_or_else(|| corrupt("no nFib"))?;
    let flags = u16_at(wd, 0x0A).ok_or_else(|| corrupt("no FibBase flags"))?;
    if flags & 0x0100 != 0 {
        let how = if flags & 0x8000 != 0 {
            "XOR-obfuscated"
        } else {
            "encrypted"
        };
        return Err(IngestError::Encrypted(format!(
            "Word 97-2003 document is {how} (FIB fEncrypted is set)"
        )));
    }
    if n_fib < NFIB_WORD97 {
        return Err(IngestError::Unsupported(format!(
            "{} document (nFib {n_fib:#x}): versions older than Word 97 are not read; save it as .docx",
            pre97_version(n_fib)
        )));
    }
    let which_table_1 = flags & 0x0200 != 0;

    // FibBase is 32 bytes; then csw + fibRgW, cslw + fibRgLw, cbRgFcLcb + fibRgFcLcbBlob.
    let mut off: usize = 32;
    let csw = u16_at(wd, off).ok_or_else(|| corrupt("no csw"))? as usize;
    off = off
        .checked_add(2 + csw * 2)
        .ok_or_else(|| corrupt("csw overflows"))?;
    let cslw = u16_at(wd, off).ok_or_else(|| corrupt("no cslw"))? as usize;
    let rg_lw = off + 2;
    // FibRgLw97: cbMac, lProductCreated, lProductRevised, ccpText, ...
    let ccp_text = if cslw > 3 {
        u32_at(wd, rg_lw + 3 * 4).ok_or_else(|| corrupt("no ccpText"))?
    } else {
        return Err(corrupt(format!("cslw {cslw} too small for ccpText")));
    };
    // ccpFtn, ccpHdd, ccpMcr (reserved), ccpAtn, ccpEdn precede the text boxes.
    let lw = |i: usize| -> u64 {
        if i < cslw {
            u32_at(wd, rg_lw + i * 4).map(u64::from).unwrap_or(0)
        } else {
            0
        }
    };
    let cp_txbx = u64::from(ccp_text) + (4..=8).map(lw).sum::<u64>();
    let ccp_txbx = lw(9) as u32;
    off = rg_lw + cslw * 4;
    let cb_rg = u16_at(wd, off).ok_or_else(|| corrupt("no cbRgFcLcb"))? as usize;
    off += 2;
    let mut fc_lcb = Vec::with_capacity(cb_rg);
    for i in 0..cb_rg {
        let at = off + i * 8;
        let (Some(fc), Some(lcb)) = (u32_at(wd, at), u32_at(wd, at + 4)) else {
            break;
        };
        fc_lcb.push((fc, lcb));
    }
    if fc_lcb.len() <= PAIR_CLX {
        return Err(corrupt("FibRgFcLcb is cut short before fcClx"));
    }
    Ok(Fib {
        which_table_1,
        ccp_text,
        cp_txbx,
        ccp_txbx,
        fc_lcb,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fib_bytes(flags: u16) -> Vec<u8> {
        let mut v = vec![0u8; 32];
        v[0..2].copy_from_slice(&W_IDENT.to_le_bytes());
        v[2..4].copy_from_slice(&0x0101u16.to_le_bytes());
        v[0x0A..0x0C].copy_from_slice(&flags.to_le_bytes());
        v.extend_from_slice(&14u16.to_le_bytes());
        v.extend_from_slice(&[0u8; 28]);
        v.extend_from_slice(&22u16.to_le_bytes());
        let mut lw = [0u8; 88];
        lw[12..16].copy_from_slice(&1234u32.to_le_bytes());
        v.extend_from_slice(&lw);
        v.extend_from_slice(&93u16.to_le_bytes());
        for i in 0..93u32 {
            v.extend_from_slice(&(i * 10).to_le_bytes());
            v.extend_from_slice(&i.to_le_bytes());
        }
        v
    }

    #[test]
    fn parses_pairs_and_flags() {
        let f = parse(&fib_bytes(0x0200)).unwrap();
        assert!(f.which_table_1);
        assert_eq!(f.ccp_text, 1234);
        assert_eq!(f.pair(PAIR_CLX), Some((330, 33)));
        assert_eq!(f.pair(0), None);
    }

    #[test]
    fn encrypted_flag_is_reported() {
        assert!(matches!(
            parse(&fib_bytes(0x0100)),
            Err(IngestError::Encrypted(_))
        ));
    }

    #[test]
    fn short_fib_is_corrupt() {
        let b = fib_bytes(0);
        assert!(matches!(parse(&b[..100]), Err(IngestError::Corrupt { .. })));
    }
}
