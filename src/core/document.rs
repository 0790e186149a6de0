//! The document: title + text exactly as given (only CRLF/CR → LF), split
//! into blocks on blank lines, with a content id.

use sha2::{Digest, Sha256};

use super::offsets::OffsetIndex;

/// A paragraph-like run of non-blank lines, `[start, end)` in code points of
/// the whole text. A single `\n` inside a block is a line break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// First code point of the block.
    pub start: usize,
    /// One past its last code point (the newline ending it is not part of it).
    pub end: usize,
}

/// An article to annotate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    id: String,
    title: String,
    text: String,
    blocks: Vec<Block>,
    index: OffsetIndex,
}

/// `\r\n` and lone `\r` become `\n`; nothing else is touched.
pub fn normalise_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Hex SHA-256 of the text: the document's content id.
pub fn content_id(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The title of a plain-text or Markdown article: its first non-blank line,
/// trimmed, without a leading Markdown `#` heading marker.
pub fn title_of(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let line = line.trim_start_matches('#').trim();
    if line.is_empty() {
        "Untitled".to_owned()
    } else {
        line.to_owned()
    }
}

fn split_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut pos = 0; // code points
    let mut current: Option<Block> = None;
    for line in text.split('\n') {
        let n = line.chars().count();
        if line.trim().is_empty() {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
        } else {
            match current.as_mut() {
                Some(b) => b.end = pos + n,
                None => {
                    current = Some(Block {
                        start: pos,
                        end: pos + n,
                    })
                }
            }
        }
        pos += n + 1;
    }
    if let Some(b) = current {
        blocks.push(b);
    }
    blocks
}

impl Document {
    /// A document from a plain-text or Markdown article: the first line is
    /// the title and stays part of the text.
    pub fn from_plain_text(raw: &str) -> Self {
        let text = normalise_newlines(raw);
        let title = title_of(&text);
        Self::build(title, text)
    }

    /// A document with an explicit title (as in a v1 file).
    pub fn new(title: &str, text: &str) -> Self {
        Self::build(title.to_owned(), normalise_newlines(text))
    }

    fn build(title: String, text: String) -> Self {
        Document {
            id: content_id(&text),
            blocks: split_blocks(&text),
            index: OffsetIndex::new(&text),
            title,
            text,
        }
    }

    /// Content id (hex SHA-256 of the text).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The whole text, as stored.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// Length in code points.
    pub fn len_chars(&self) -> usize {
        self.index.len_chars()
    }
    /// The blocks in order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }
    /// The offset index of the whole text.
    pub fn offsets(&self) -> &OffsetIndex {
        &self.index
    }

    /// Text of `[start, end)` in code points; `None` if out of range or
    /// reversed.
    pub fn slice(&self, start: usize, end: usize) -> Option<&str> {
        if start > end {
            return None;
        }
        let b0 = self.index.char_to_byte(start)?;
        let b1 = self.index.char_to_byte(end)?;
        self.text.get(b0..b1)
    }

    /// Text of block `i`.
    pub fn block_text(&self, i: usize) -> Option<&str> {
        let b = self.blocks.get(i)?;
        self.slice(b.start, b.end)
    }

    /// Index of the block containing code point `pos`, or of the first
    /// block after it when `pos` falls between blocks. `None` past the
    /// last block.
    pub fn block_at_or_after(&self, pos: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.end <= pos);
        (i < self.blocks.len()).then_some(i)
    }

    /// Index of the block containing code point `pos` (`start <= pos <
    /// end`); `None` when `pos` is in blank space between blocks or past
    /// the text.
    pub fn block_containing(&self, pos: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.end <= pos);
        let b = self.blocks.get(i)?;
        (b.start <= pos).then_some(i)
    }

    /// Indices of the blocks that `[start, end)` touches (non-empty
    /// intersection), as a range. Empty for an empty or reversed range.
    pub fn blocks_overlapping(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let first = self.blocks.partition_point(|b| b.end <= start);
        if start >= end {
            return first..first;
        }
        let last = self.blocks.partition_point(|b| b.start < end);
        first..last.max(first)
    }

    /// Global code point of a UTF-16 offset inside block `i` (the DOM's
    /// unit). `None` if the block does not exist or the offset is past it.
    pub fn block_utf16_to_char(&self, i: usize, utf16: usize) -> Option<usize> {
        let b = self.blocks.get(i)?;
        let base = self.index.char_to_utf16(b.start)?;
        let c = self.index.utf16_to_char(base.checked_add(utf16)?)?;
        (c <= b.end).then_some(c)
    }

    /// UTF-16 offset, within block `i`, of global code point `pos`.
    pub fn char_to_block_utf16(&self, i: usize, pos: usize) -> Option<usize> {
        let b = self.blocks.get(i)?;
        if pos < b.start || pos > b.end {
            return None;
        }
        self.index
            .char_to_utf16(pos)?
            .checked_sub(self.index.char_to_utf16(b.start)?)
    }
}
