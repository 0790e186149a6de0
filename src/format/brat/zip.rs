//! The little of the zip format brat needs: a writer of stored (not
//! compressed) entries, and a reader of stored and deflated entries (what
//! an operating system's "compress" makes), with CRC-32 checks and a cap
//! on the unpacked size. Inflating is `miniz_oxide`'s; the rest (headers,
//! central directory, CRC) is here, because a zip crate would bring far
//! more code than two files need.
//!
//! Not read: encrypted entries, zip64, multi-disk archives, compression
//! methods other than 0 (stored) and 8 (deflate). Each is refused with a
//! sentence, never a panic.

/// A problem with a zip archive, as one plain sentence (no final stop).
pub type ZipError = String;

/// Largest total unpacked size read (as the import limit).
pub const MAX_UNPACKED: usize = super::super::interop::MAX_BYTES;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
/// 1980-01-01 00:00:00, the earliest DOS date: a fixed time keeps the
/// archive the same bytes for the same files.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;
/// Bit 11: the file name is UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static CRC_TABLE: [u32; 256] = crc_table();

/// CRC-32 (IEEE, as zip uses it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A zip archive of `files` (name, content), stored uncompressed, in the
/// given order, with a fixed date. Sizes past 4 GiB are not supported (the
/// callers write a few megabytes).
pub fn write(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let (size, name_len) = (data.len() as u32, name.len() as u16);
        put32(&mut out, LOCAL);
        put16(&mut out, 10); // version needed: 1.0 (stored)
        put16(&mut out, UTF8_NAMES);
        put16(&mut out, 0); // method: stored
        put16(&mut out, DOS_TIME);
        put16(&mut out, DOS_DATE);
        put32(&mut out, crc);
        put32(&mut out, size);
        put32(&mut out, size);
        put16(&mut out, name_len);
        put16(&mut out, 0); // extra field length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        put32(&mut central, CENTRAL);
        put16(&mut central, 20); // made by: MS-DOS, zip 2.0
        put16(&mut central, 10);
        put16(&mut central, UTF8_NAMES);
        put16(&mut central, 0);
        put16(&mut central, DOS_TIME);
        put16(&mut central, DOS_DATE);
        put32(&mut central, crc);
        put32(&mut central, size);
        put32(&mut central, size);
        put16(&mut central, name_len);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, END);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, files.len() as u16);
    put16(&mut out, files.len() as u16);
    put32(&mut out, cd_size);
    put32(&mut out, cd_offset);
    put16(&mut out, 0); // comment length
    out
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

const TRUNCATED: &str = "the zip archive is truncated or damaged (is the download complete?)";

/// The files of a zip archive (name, content), in central-directory order,
/// directories left out. Every entry is unpacked and its CRC checked.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ZipError> {
    // The end record is the last 22 bytes, or earlier if a comment follows.
    let lowest = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = (lowest..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(END))
        .filter(|_| bytes.len() >= 22)
        .ok_or_else(|| TRUNCATED.to_owned())?;
    let t = || TRUNCATED.to_owned();
    let count = u16_at(bytes, end + 10).ok_or_else(t)?;
    let cd_size = u32_at(bytes, end + 12).ok_or_else(t)? as usize;
    let cd_offset = u32_at(bytes, end + 16).ok_or_else(t)? as usize;
    if count == 0xFFFF || cd_offset == 0xFFFF_FFFF {
        return Err("the archive is a zip64 archive, which is not read".to_owned());
    }
    if u16_at(bytes, end + 4) != Some(0) || u16_at(bytes, end + 6) != Some(0) {
        return Err("the archive spans several disks, which is not read".to_owned());
    }
    let cd_end = cd_offset.checked_add(cd_size).ok_or_else(t)?;
    if cd_end > end {
        return Err(TRUNCATED.to_owned());
    }
    let mut files = Vec::new();
    let mut total = 0usize;
    let mut at = cd_offset;
    for _ in 0..count {
        if u32_at(bytes, at) != Some(CENTRAL) {
            return Err(TRUNCATED.to_owned());
        }
        let flags = u16_at(bytes, at + 8).ok_or_else(t)?;
        let method = u16_at(bytes, at + 10).ok_or_else(t)?;
        let crc = u32_at(bytes, at + 16).ok_or_else(t)?;
        let packed = u32_at(bytes, at + 20).ok_or_else(t)? as usize;
        let size = u32_at(bytes, at + 24).ok_or_else(t)? as usize;
        let name_len = usize::from(u16_at(bytes, at + 28).ok_or_else(t)?);
        let extra_len = usize::from(u16_at(bytes, at + 30).ok_or_else(t)?);
        let comment_len = usize::from(u16_at(bytes, at + 32).ok_or_else(t)?);
        let local = u32_at(bytes, at + 42).ok_or_else(t)? as usize;
        let name_bytes = bytes.get(at + 46..at + 46 + name_len).ok_or_else(t)?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        at += 46 + name_len + extra_len + comment_len;
        if name.ends_with('/') {
            continue;
        }
        if flags & 1 != 0 {
            return Err(format!("{name} is encrypted, which is not read"));
        }
        if packed == 0xFFFF_FFFF || size == 0xFFFF_FFFF {
            return Err("the archive is a zip64 archive, which is not read".to_owned());
        }
        total = total.saturating_add(size);
        if total > MAX_UNPACKED {
            return Err(format!(
                "the archive unpacks to more than {} MB",
                MAX_UNPACKED / (1024 * 1024)
            ));
        }
        if u32_at(bytes, local) != Some(LOCAL) {
            return Err(TRUNCATED.to_owned());
        }
        let l_name = usize::from(u16_at(bytes, local + 26).ok_or_else(t)?);
        let l_extra = usize::from(u16_at(bytes, local + 28).ok_or_else(t)?);
        let start = local + 30 + l_name + l_extra;
        let data = start
            .checked_add(packed)
            .and_then(|e| bytes.get(start..e))
            .ok_or_else(t)?;
        let content = match method {
            0 => data.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, size)
                .map_err(|_| format!("{name} is damaged (its compressed data does not unpack)"))?,
            m => {
                return Err(format!(
                "{name} is compressed with method {m}; only stored and deflated entries are read"
            ))
            }
        };
        if content.len() != size || crc32(&content) != crc {
            return Err(format!("{name} is damaged (its checksum does not match)"));
        }
        files.push((name, content));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_the_check_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn written_archives_read_back() {
        let z = write(&[("a.txt", b"hello"), ("b/c.ann", b"")]);
        let files = read(&z).unwrap();
        assert_eq!(
            files,
            vec![
                ("a.txt".to_owned(), b"hello".to_vec()),
                ("b/c.ann".to_owned(), Vec::new())
            ]
        );
    }

    #[test]
    fn every_truncation_is_refused_without_panic() {
        let z = write(&[("a.txt", b"hello world")]);
        for n in 0..z.len() {
            assert!(read(&z[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn a_flipped_data_byte_fails_the_checksum() {
        let mut z = write(&[("a.txt", b"hello world")]);
        z[30 + 5 + 2] ^= 1;
        assert!(read(&z).unwrap_err().contains("checksum"));
    }
}
