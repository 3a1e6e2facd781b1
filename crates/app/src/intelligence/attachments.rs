//! Files attached to good practice entries: a case study's write-up, a
//! tool's workbook, an award entry. Only the kinds of file a council shares
//! are taken (PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text and
//! images), each checked to hold what its name says, up to 10 MB.

use serde::Serialize;
use stocktake_core::TextKind;
use stocktake_store::AttachmentRow;

use crate::access::Caller;
use crate::error::text_field;
use crate::{AppError, Stocktake};

/// The largest file attached: 10 MB.
pub const ATTACHMENT_LIMIT: usize = 10 * 1024 * 1024;

/// A file attached to an entry, as listed (its bytes are downloaded apart).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    #[cfg_attr(feature = "openapi", schema(example = "recycling-case-study.pdf"))]
    pub file_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "application/pdf"))]
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub uploaded_by: String,
    /// `2025-01-31`.
    pub uploaded_on: String,
}

impl Attachment {
    pub(crate) fn of(row: AttachmentRow) -> Attachment {
        Attachment {
            file_name: row.file_name,
            content_type: row.content_type,
            size: row.size,
            uploaded_by: row.uploaded_by,
            uploaded_on: row.uploaded_on,
        }
    }

    /// The size in words: `840 bytes`, `12 KB`, `1.4 MB`.
    pub fn size_words(&self) -> String {
        match self.size {
            n if n < 1024 => format!("{n} bytes"),
            n if n < 1024 * 1024 => format!("{} KB", (n + 512) / 1024),
            n => format!("{:.1} MB", n as f64 / (1024.0 * 1024.0)),
        }
    }
}

/// An attached file with its bytes, for download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedFile {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
}

/// The kinds of file taken: extension, content type, and how such a file
/// begins (none for text, which must be UTF-8 instead).
const KINDS: &[(&str, &str, Option<&[u8]>)] = &[
    ("pdf", "application/pdf", Some(b"%PDF-")),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some(b"PK\x03\x04"),
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some(b"PK\x03\x04"),
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some(b"PK\x03\x04"),
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        Some(b"PK\x03\x04"),
    ),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        Some(b"PK\x03\x04"),
    ),
    ("csv", "text/csv; charset=utf-8", None),
    ("txt", "text/plain; charset=utf-8", None),
    ("png", "image/png", Some(b"\x89PNG\r\n\x1a\n")),
    ("jpg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("jpeg", "image/jpeg", Some(b"\xff\xd8\xff")),
];

/// The file's name as kept (its last path part, checked) and its content
/// type, or why it is refused.
fn check_file(name: &str, bytes: &[u8]) -> Result<(String, &'static str), AppError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let base = text_field(
        TextKind::Name,
        "file",
        base,
        Some("give the file's name, such as case-study.pdf"),
    )?
    .to_owned();
    let accepted = || {
        KINDS
            .iter()
            .map(|(ext, _, _)| *ext)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let extension = base
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, content_type, start)) = KINDS.iter().find(|(ext, _, _)| *ext == extension) else {
        return Err(AppError::invalid(
            "file",
            format!(
                "the file {base} is not a kind the library takes: attach a PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or image file ({})",
                accepted()
            ),
        ));
    };
    if bytes.is_empty() {
        return Err(AppError::invalid(
            "file",
            format!("the file {base} is empty: choose the file again"),
        ));
    }
    if bytes.len() > ATTACHMENT_LIMIT {
        return Err(AppError::invalid(
            "file",
            format!(
                "the file {base} is {:.1} MB: files up to 10 MB are attached; link to a larger one instead",
                bytes.len() as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    let holds_what_it_says = match start {
        Some(magic) => bytes.starts_with(magic),
        None => std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')),
    };
    if !holds_what_it_says {
        return Err(AppError::invalid(
            "file",
            format!(
                "the file {base} does not hold what its name says: it is not a .{extension} file. Save it again in that format, or give it the name of what it is"
            ),
        ));
    }
    Ok((base, content_type))
}

impl Stocktake {
    /// Attaches a file to a good practice entry, replacing any it had.
    /// Performance officers and administrators.
    pub async fn attach_practice_file(
        &self,
        caller: &Caller,
        code: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment, AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("attach files to the good practice library")?;
        let code = self.practice_code(code).await?;
        let (file_name, content_type) = check_file(file_name, bytes)?;
        let row = AttachmentRow {
            file_name,
            content_type: content_type.to_owned(),
            size: bytes.len() as i64,
            uploaded_by: caller.actor(),
            uploaded_on: crate::clock::today(),
        };
        self.store
            .save_practice_attachment(&code, Some((&row, bytes)), &caller.audit_actor())
            .await?;
        Ok(Attachment::of(row))
    }

    /// Takes the file from a good practice entry (its link, if any, stays).
    /// Performance officers and administrators.
    pub async fn remove_practice_file(&self, caller: &Caller, code: &str) -> Result<(), AppError> {
        let rights = self.intelligence_rights(caller)?;
        rights.require_framework("take files from the good practice library")?;
        let code = self.practice_code(code).await?;
        if self.store.practice_attachment(&code).await?.is_none() {
            return Err(AppError::not_found("attached file of good practice", &code));
        }
        self.store
            .save_practice_attachment(&code, None, &caller.audit_actor())
            .await?;
        Ok(())
    }

    /// The file attached to a good practice entry. Anyone signed in.
    pub async fn practice_file(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<AttachedFile, AppError> {
        self.intelligence_rights(caller)?;
        let code = self.practice_code(code).await?;
        let (row, bytes) = self
            .store
            .practice_attachment(&code)
            .await?
            .ok_or_else(|| AppError::not_found("attached file of good practice", &code))?;
        Ok(AttachedFile {
            attachment: Attachment::of(row),
            bytes,
        })
    }

    /// The code of the library's entry named, or 404.
    async fn practice_code(&self, code: &str) -> Result<String, AppError> {
        let code = code.trim();
        self.store
            .good_practice(&[])
            .await?
            .into_iter()
            .find(|g| g.code == code)
            .map(|g| g.code)
            .ok_or_else(|| AppError::not_found("good practice entry", code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(name: &str, bytes: &[u8]) -> String {
        match check_file(name, bytes).unwrap_err() {
            AppError::Invalid { field, message } => {
                assert_eq!(field, "file");
                message
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_is_taken_only_when_it_holds_what_its_name_says() {
        assert_eq!(
            check_file("C:\\Users\\me\\Case study.PDF", b"%PDF-1.7 ...").unwrap(),
            ("Case study.PDF".to_owned(), "application/pdf")
        );
        assert_eq!(
            check_file("notes.txt", "Rushcliffe's round".as_bytes())
                .unwrap()
                .1,
            "text/plain; charset=utf-8"
        );
        let message = refused("report.pdf", b"PK\x03\x04 a zip");
        assert!(
            message.contains(
                "the file report.pdf does not hold what its name says: it is not a .pdf file"
            ),
            "{message}"
        );
        let message = refused("setup.exe", b"MZ");
        assert!(
            message.contains("the file setup.exe is not a kind the library takes"),
            "{message}"
        );
        assert!(message.contains("pdf, docx, xlsx"), "{message}");
        assert!(refused("empty.csv", b"").contains("the file empty.csv is empty"));
        assert!(refused("binary.txt", b"a\0b").contains("does not hold what its name says"));
        let big = vec![b'a'; ATTACHMENT_LIMIT + 1];
        assert!(
            refused("big.txt", &big).contains("the file big.txt is 10.0 MB: files up to 10 MB")
        );
    }

    #[test]
    fn sizes_read_as_words() {
        let sized = |size| Attachment {
            file_name: String::new(),
            content_type: String::new(),
            size,
            uploaded_by: String::new(),
            uploaded_on: String::new(),
        };
        assert_eq!(sized(840).size_words(), "840 bytes");
        assert_eq!(sized(12 * 1024).size_words(), "12 KB");
        assert_eq!(sized(1_468_006).size_words(), "1.4 MB");
    }
}
