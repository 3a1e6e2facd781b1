//! The typst world a document is typeset in: one main source, the embedded
//! fonts and the document's images as virtual files. Nothing is read from
//! disk or the network; a package import fails as "not found".

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts, read once per process from the bytes built into the binary.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The id of a virtual file at `path` (ids are interned once per path, so a
/// fixed set of names keeps their number small).
fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid virtual path"),
    )
    .intern()
}

pub(crate) fn image_path(n: usize) -> String {
    format!("/image-{n}.svg")
}

pub(crate) struct ReportWorld {
    main: Source,
    images: Vec<(FileId, Bytes)>,
}

impl ReportWorld {
    pub(crate) fn new(source: &str, images: Vec<Vec<u8>>) -> ReportWorld {
        let main = Source::new(file_id("/main.typ"), source.to_owned());
        let images = images
            .into_iter()
            .enumerate()
            .map(|(n, bytes)| (file_id(&image_path(n)), Bytes::new(bytes)))
            .collect();
        ReportWorld { main, images }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(std::path::PathBuf::from(format!(
                "{id:?}"
            ))))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.images
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(std::path::PathBuf::from(format!("{id:?}"))))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The document prints its own dates; typst's `today` is not used.
        None
    }
}
