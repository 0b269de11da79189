//! Decryption of BIFF8 workbooks that Excel encrypted with its built-in key.
//!
//! Excel 97-2003 encrypts a "read-only recommended" or structure-protected workbook
//! with the password "VelvetSweatshop", so anyone can open it. The FILEPASS record
//! ([MS-XLS] 2.4.117) names the scheme: RC4 with MD5 keys ([MS-OFFCRYPTO] 2.3.6, version
//! 1.1) or RC4 CryptoAPI with SHA-1 keys (2.3.5, versions 2-4.2). The stages:
//!
//! 1. find FILEPASS in the workbook globals and read its verifier;
//! 2. derive the key from the built-in password and check it against the verifier (any
//!    other password leaves the file `encrypted`);
//! 3. decipher every record body except those [MS-XLS] 2.2.10 keeps in clear (BOF,
//!    FILEPASS, INTERFACEHDR ... and the stream offset `lbPlyPos` of BOUNDSHEET8), with
//!    one RC4 key per 1024-byte block of the stream;
//! 4. retype FILEPASS so that readers see a plain workbook.

use md5::{Digest, Md5};
use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::Sha1;

use crate::error::IngestError;

/// Excel's built-in encryption password: a protocol constant ([MS-OFFCRYPTO] 2.3.6.3
/// note), not vocabulary.
const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

/// Bytes of the stream enciphered under one block key before the cipher is rekeyed.
const BLOCK_BYTES: usize = 1024;

/// BIFF record: start of a substream (kept in clear).
const RT_BOF: u16 = 0x0809;
/// BIFF record: end of a substream.
const RT_EOF: u16 = 0x000A;
/// BIFF record: the encryption header (kept in clear).
pub(super) const RT_FILEPASS: u16 = 0x002F;
/// BIFF records kept in clear besides BOF and FILEPASS: INTERFACEHDR, USREXCL, FILELOCK,
/// RRDINFO, RRDHEAD ([MS-XLS] 2.2.10).
const RT_CLEAR: [u16; 5] = [0x00E1, 0x0194, 0x0195, 0x0196, 0x0138];
/// BIFF record: a sheet's name and stream offset; the offset (first 4 bytes) is in clear.
const RT_BOUNDSHEET: u16 = 0x0085;
/// Bytes at the start of a BOUNDSHEET8 body kept in clear (`lbPlyPos`).
const BOUNDSHEET_CLEAR_BYTES: usize = 4;
/// Record type FILEPASS is rewritten to once the stream is deciphered: no record of
/// BIFF8 has it, so every reader skips the record (its offsets stay as they were).
const RT_NEUTRAL: u16 = 0x0000;

/// `wEncryptionType` of FILEPASS meaning RC4 (0 is XOR obfuscation).
const ENCRYPTION_RC4: u16 = 0x0001;
/// Bytes of a salt, of an encrypted verifier, and of the MD5 verifier hash.
const SALT_BYTES: usize = 16;
/// Bytes of the SHA-1 verifier hash of RC4 CryptoAPI.
const SHA1_BYTES: usize = 20;
/// Bytes of the password hash that enter the next key-derivation step (40 bits).
const TRUNCATED_HASH_BYTES: usize = 5;
/// Times the truncated password hash and salt are repeated for the intermediate key.
const RC4_SALT_ROUNDS: usize = 16;
/// Key length, in bits, CryptoAPI means when the header says 0.
const CRYPTOAPI_DEFAULT_KEY_BITS: u32 = 40;
/// Bytes of an RC4 key padded from 40 bits (CryptoAPI pads the rest with zeros).
const PADDED_KEY_BYTES: usize = 16;

/// How the block keys are derived.
enum Keys {
    /// RC4 with MD5 ([MS-OFFCRYPTO] 2.3.6.2): the first 5 bytes of the intermediate hash.
    Md5 { h1: [u8; TRUNCATED_HASH_BYTES] },
    /// RC4 CryptoAPI (2.3.5.2): the salted password hash and the key length in bits.
    CryptoApi { h0: [u8; SHA1_BYTES], bits: u32 },
}

impl Keys {
    /// The RC4 key of block `block` of the stream.
    fn block_key(&self, block: u32) -> Vec<u8> {
        match self {
            Keys::Md5 { h1 } => {
                let mut h = Md5::new();
                h.update(h1);
                h.update(block.to_le_bytes());
                h.finalize().to_vec()
            }
            Keys::CryptoApi { h0, bits } => {
                let mut h = Sha1::new();
                h.update(h0);
                h.update(block.to_le_bytes());
                let full = h.finalize();
                let n = (*bits / 8) as usize;
                let mut key: Vec<u8> = full.iter().copied().take(n).collect();
                if *bits == CRYPTOAPI_DEFAULT_KEY_BITS {
                    key.resize(PADDED_KEY_BYTES, 0);
                }
                key
            }
        }
    }

    /// An RC4 cipher keyed for `block`.
    fn cipher(&self, block: u32) -> Result<Rc4, IngestError> {
        Rc4::new_from_slice(&self.block_key(block))
            .map_err(|e| IngestError::corrupt("FILEPASS record", e))
    }
}

/// The password check a FILEPASS record carries.
struct Verifier {
    keys: Keys,
    /// Encrypted verifier followed by its encrypted hash.
    sealed: Vec<u8>,
    /// Bytes of the verifier hash (16 for MD5, 20 for SHA-1).
    hash_len: usize,
}

impl Verifier {
    /// Whether the keys open the verifier: the deciphered hash is the hash of the
    /// deciphered verifier.
    fn accepts(&self) -> Result<bool, IngestError> {
        let mut open = self.sealed.clone();
        self.keys.cipher(0)?.apply_keystream(&mut open);
        let (verifier, hash) = open.split_at(SALT_BYTES.min(open.len()));
        let expected = match self.keys {
            Keys::Md5 { .. } => Md5::digest(verifier).to_vec(),
            Keys::CryptoApi { .. } => Sha1::digest(verifier).to_vec(),
        };
        Ok(hash.len() == self.hash_len && hash == expected.as_slice())
    }
}

/// Deciphers a BIFF8 workbook stream whose globals hold FILEPASS, if Excel's built-in
/// password opens it; FILEPASS comes back retyped. Any other password, XOR obfuscation,
/// an unknown scheme or a header cut short is `encrypted`.
pub(super) fn decrypt_workbook(stream: &[u8]) -> Result<Vec<u8>, IngestError> {
    let Some((at, body)) = find_filepass(stream) else {
        return Err(IngestError::corrupt(
            "Workbook stream",
            "no FILEPASS record in the workbook globals",
        ));
    };
    let verifier = read_filepass(body, DEFAULT_PASSWORD)?;
    if !verifier.accepts()? {
        return Err(IngestError::Encrypted(
            "the workbook is password-protected (FILEPASS record)".to_string(),
        ));
    }
    let mut clear = stream.to_vec();
    decipher(&mut clear, &verifier.keys)?;
    if let Some(rt) = clear.get_mut(at..at + 2) {
        rt.copy_from_slice(&RT_NEUTRAL.to_le_bytes());
    }
    Ok(clear)
}

/// Offset and body of the FILEPASS record among the workbook globals (before the first
/// EOF).
fn find_filepass(stream: &[u8]) -> Option<(usize, &[u8])> {
    records(stream)
        .take_while(|r| r.rt != RT_EOF)
        .find(|r| r.rt == RT_FILEPASS)
        .map(|r| (r.at, stream.get(r.body.clone()).unwrap_or_default()))
}

/// Reads the FILEPASS body: the scheme and its verifier, keyed from `password`.
fn read_filepass(body: &[u8], password: &str) -> Result<Verifier, IngestError> {
    // A header we cannot read still says the workbook is encrypted: `encrypted`, the
    // same answer every time, never a guess at the cells.
    let damaged = |what: &str| {
        IngestError::Encrypted(format!(
            "the workbook is password-protected (FILEPASS record, {what})"
        ))
    };
    let kind = le16(body, 0).ok_or_else(|| damaged("no encryption type"))?;
    if kind != ENCRYPTION_RC4 {
        return Err(IngestError::Encrypted(
            "the workbook is password-protected (XOR obfuscation)".to_string(),
        ));
    }
    let (major, minor) = (le16(body, 2), le16(body, 4));
    let pw: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    match (major, minor) {
        (Some(1), Some(1)) => {
            let salt = slice(body, 6, SALT_BYTES).ok_or_else(|| damaged("short salt"))?;
            let sealed = slice(body, 6 + SALT_BYTES, 2 * SALT_BYTES)
                .ok_or_else(|| damaged("short verifier"))?;
            Ok(Verifier {
                keys: Keys::Md5 {
                    h1: md5_intermediate(&pw, salt),
                },
                sealed: sealed.to_vec(),
                hash_len: SALT_BYTES,
            })
        }
        (Some(2..=4), Some(2)) => read_cryptoapi(body, &pw).ok_or_else(|| damaged("short header")),
        _ => Err(IngestError::Encrypted(format!(
            "the workbook is password-protected (RC4 version {}.{})",
            major.unwrap_or(0),
            minor.unwrap_or(0)
        ))),
    }
}

/// The intermediate hash of RC4 with MD5: MD5 over 16 copies of the first 5 bytes of
/// MD5(password) followed by the salt; its first 5 bytes key the blocks.
fn md5_intermediate(pw: &[u8], salt: &[u8]) -> [u8; TRUNCATED_HASH_BYTES] {
    let h0 = Md5::digest(pw);
    let mut h = Md5::new();
    for _ in 0..RC4_SALT_ROUNDS {
        h.update(h0.get(..TRUNCATED_HASH_BYTES).unwrap_or_default());
        h.update(salt);
    }
    let mut out = [0u8; TRUNCATED_HASH_BYTES];
    out.iter_mut().zip(h.finalize()).for_each(|(o, b)| *o = b);
    out
}

/// Reads an RC4 CryptoAPI header (flags, header size, header, verifier) after the
/// version; `None` when it is cut short.
fn read_cryptoapi(body: &[u8], pw: &[u8]) -> Option<Verifier> {
    /// Offset of the key size (bits) inside the EncryptionHeader.
    const KEY_SIZE_AT: usize = 16;
    let header_len = le32(body, 10)? as usize;
    let header = 14usize;
    let bits = match le32(body, header.checked_add(KEY_SIZE_AT)?)? {
        0 => CRYPTOAPI_DEFAULT_KEY_BITS,
        b => b,
    };
    let verifier_at = header.checked_add(header_len)?;
    let salt_len = le32(body, verifier_at)? as usize;
    let salt = slice(body, verifier_at + 4, salt_len)?;
    let sealed_at = verifier_at + 4 + salt_len;
    let verifier = slice(body, sealed_at, SALT_BYTES)?;
    let hash_len = le32(body, sealed_at + SALT_BYTES)? as usize;
    let hash = slice(body, sealed_at + SALT_BYTES + 4, hash_len)?;
    // RC4 keys of 40 to 128 bits, taken from a 160-bit hash.
    if !(CRYPTOAPI_DEFAULT_KEY_BITS..=128).contains(&bits) || bits % 8 != 0 {
        return None;
    }
    let mut h = Sha1::new();
    h.update(salt);
    h.update(pw);
    let mut h0 = [0u8; SHA1_BYTES];
    h0.iter_mut().zip(h.finalize()).for_each(|(o, b)| *o = b);
    Some(Verifier {
        keys: Keys::CryptoApi { h0, bits },
        sealed: [verifier, hash].concat(),
        hash_len: SHA1_BYTES,
    })
}

/// Deciphers, in place, every enciphered byte of the stream: the keystream runs over
/// the whole stream (record headers and clear records included) and restarts with a
/// new key at each block boundary.
fn decipher(stream: &mut [u8], keys: &Keys) -> Result<(), IngestError> {
    let ranges: Vec<std::ops::Range<usize>> = records(stream)
        .map(|r| match r.rt {
            RT_BOF | RT_FILEPASS => r.body.end..r.body.end,
            rt if RT_CLEAR.contains(&rt) => r.body.end..r.body.end,
            RT_BOUNDSHEET => (r.body.start + BOUNDSHEET_CLEAR_BYTES).min(r.body.end)..r.body.end,
            _ => r.body,
        })
        .collect();
    let mut keystream = [0u8; BLOCK_BYTES];
    let mut current: Option<usize> = None;
    for range in ranges {
        for i in range {
            let block = i / BLOCK_BYTES;
            if current != Some(block) {
                let n =
                    u32::try_from(block).map_err(|e| IngestError::corrupt("Workbook stream", e))?;
                keystream = [0u8; BLOCK_BYTES];
                keys.cipher(n)?.apply_keystream(&mut keystream);
                current = Some(block);
            }
            if let (Some(b), Some(k)) = (stream.get_mut(i), keystream.get(i % BLOCK_BYTES)) {
                *b ^= k;
            }
        }
    }
    Ok(())
}

/// One BIFF record: its type, where its header starts and the byte range of its body
/// (cut at the end of the stream).
struct Record {
    rt: u16,
    at: usize,
    body: std::ops::Range<usize>,
}

/// The records of a stream, in order, until a header no longer fits.
fn records(stream: &[u8]) -> impl Iterator<Item = Record> + '_ {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let (rt, len) = (le16(stream, pos)?, le16(stream, pos + 2)?);
        let start = pos + 4;
        let end = (start + usize::from(len)).min(stream.len());
        let rec = Record {
            rt,
            at: pos,
            body: start..end,
        };
        pos = start + usize::from(len);
        Some(rec)
    })
}

fn slice(b: &[u8], at: usize, n: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(n)?)
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    slice(b, at, 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    slice(b, at, 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enciphers `plain` as `decipher` deciphers it (RC4 is its own inverse).
    fn seal(plain: &[u8], keys: &Keys) -> Vec<u8> {
        let mut out = plain.to_vec();
        decipher(&mut out, keys).unwrap_or_default();
        out
    }

    fn record(rt: u16, body: &[u8]) -> Vec<u8> {
        let mut r = rt.to_le_bytes().to_vec();
        r.extend((body.len() as u16).to_le_bytes());
        r.extend(body);
        r
    }

    /// A FILEPASS body for RC4 with MD5 under `password` and `salt`.
    fn md5_filepass(password: &str, salt: [u8; 16]) -> Vec<u8> {
        let pw: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let keys = Keys::Md5 {
            h1: md5_intermediate(&pw, &salt),
        };
        let verifier = [7u8; 16];
        let mut sealed = [verifier.to_vec(), Md5::digest(verifier).to_vec()].concat();
        keys.cipher(0)
            .map(|mut c| c.apply_keystream(&mut sealed))
            .ok();
        [&[1, 0, 1, 0, 1, 0][..], &salt, &sealed].concat()
    }

    /// A workbook stream of more than one block: BOF, FILEPASS, BOUNDSHEET, a long
    /// record crossing block boundaries, EOF.
    fn stream(filepass: &[u8], keys: &Keys) -> (Vec<u8>, Vec<u8>) {
        let long: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        let plain = [
            record(RT_BOF, &[0, 6, 5, 0]),
            record(RT_FILEPASS, filepass),
            record(
                RT_BOUNDSHEET,
                &[0x34, 0x12, 0, 0, 0, 0, 3, 0, b'a', b'b', b'c'],
            ),
            record(0x00FC, &long),
            record(RT_EOF, &[]),
        ]
        .concat();
        (plain.clone(), seal(&plain, keys))
    }

    #[test]
    fn default_password_opens_md5_rc4_across_blocks() {
        let salt = [3u8; 16];
        let fp = md5_filepass(DEFAULT_PASSWORD, salt);
        let pw: Vec<u8> = DEFAULT_PASSWORD
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let keys = Keys::Md5 {
            h1: md5_intermediate(&pw, &salt),
        };
        let (plain, sealed) = stream(&fp, &keys);
        // Headers, BOF, FILEPASS and lbPlyPos stay in clear; the rest is enciphered.
        assert_eq!(sealed.get(..8), plain.get(..8));
        assert_ne!(sealed.get(200..1500), plain.get(200..1500));
        let clear = decrypt_workbook(&sealed).unwrap_or_default();
        assert_eq!(clear.len(), plain.len());
        // FILEPASS retyped, everything else as written.
        let at = 8;
        assert_eq!(le16(&clear, at), Some(RT_NEUTRAL));
        assert_eq!(clear.get(at + 2..), plain.get(at + 2..));
        assert!(find_filepass(&clear).is_none());
    }

    #[test]
    fn another_password_stays_encrypted() {
        let salt = [9u8; 16];
        let fp = md5_filepass("not-the-default", salt);
        let pw: Vec<u8> = "not-the-default"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let keys = Keys::Md5 {
            h1: md5_intermediate(&pw, &salt),
        };
        let (_, sealed) = stream(&fp, &keys);
        assert!(matches!(
            decrypt_workbook(&sealed),
            Err(IngestError::Encrypted(_))
        ));
    }

    #[test]
    fn xor_obfuscation_and_cut_header_stay_encrypted() {
        let xor = [
            record(RT_BOF, &[0; 4]),
            record(RT_FILEPASS, &[0, 0, 1, 2, 3, 4]),
        ]
        .concat();
        assert!(matches!(
            decrypt_workbook(&xor),
            Err(IngestError::Encrypted(_))
        ));
        let cut = [
            record(RT_BOF, &[0; 4]),
            record(RT_FILEPASS, &[1, 0, 1, 0, 1, 0, 5]),
        ]
        .concat();
        assert!(matches!(
            decrypt_workbook(&cut),
            Err(IngestError::Encrypted(_))
        ));
    }
}
