//! The report as PDF, for readers who print or file it. krilla writes the file (text as real glyphs in
//! embedded font subsets, so it can be selected and searched; the charts are the HTML report's SVG, drawn
//! as vectors through krilla-svg); krilla has no layout engine, so this module wraps text, breaks pages
//! and repeats table headers itself. Layout and drawing are two passes: the page count is known before
//! the footers ("page 3 of 9") are drawn.

use krilla::Document;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, GlyphId, KrillaGlyph, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::{METHODOLOGY, Report, ReportOptions, ReportTable, citation_marks, prepare};
use crate::io::progress::Progress;
use crate::model::Dataset;

/// A4, in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const TOP: f32 = 56.0;
/// Content ends here; the footer sits below.
const BOTTOM: f32 = PAGE_HEIGHT - 60.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// A table cell shows at most this many lines: a megabyte of text in one field must not fill a hundred pages.
const MAX_CELL_LINES: usize = 12;
/// Widths are sums of floats: a column sized to its longest word must not break that word by rounding.
const WRAP_SLACK: f32 = 0.01;
/// Figures are drawn this wide (SVG pixels) and scaled to the text width: chart text at about 8 pt.
pub const FIGURE_WIDTH: f64 = 720.0;

const TEXT: [u8; 3] = [0x22, 0x22, 0x22];
const MUTED: [u8; 3] = [0x55, 0x55, 0x55];
const RULE: [u8; 3] = [0xcc, 0xcc, 0xcc];
const HEADER_FILL: [u8; 3] = [0xf0, 0xf0, 0xf0];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the bundled fonts could not be read")]
    Fonts,
    #[error("a chart could not be drawn: {0}")]
    Chart(String),
    #[error("the PDF could not be written: {0:?}")]
    Write(krilla::error::KrillaError),
    #[error("{}", crate::io::progress::CANCELLED)]
    Cancelled,
}

/// The bundled fonts, in fallback order: a character is drawn in the first font that has it.
struct Fonts {
    faces: Vec<(ttf_parser::Face<'static>, Font)>,
    /// For each character before [`LOOKED_UP`]: its font, glyph and advance (in ems), looked up once
    /// rather than in the fonts' tables for every character of a long report.
    known: Vec<Drawn>,
}

/// The characters whose font, glyph and advance [`Fonts`] keeps at hand: the scripts before Hebrew.
const LOOKED_UP: char = '\u{0590}';

/// How a character is drawn: in which font, as which glyph, advancing by how many ems.
#[derive(Clone, Copy)]
struct Drawn {
    face: usize,
    glyph: ttf_parser::GlyphId,
    advance: f32,
}

impl Fonts {
    fn bundled() -> Option<Fonts> {
        let data = [
            epaint_default_fonts::UBUNTU_LIGHT,
            epaint_default_fonts::HACK_REGULAR,
            epaint_default_fonts::NOTO_EMOJI_REGULAR,
            epaint_default_fonts::EMOJI_ICON,
        ];
        let faces = data
            .into_iter()
            .map(|bytes| Some((ttf_parser::Face::parse(bytes, 0).ok()?, Font::new(bytes.into(), 0)?)))
            .collect::<Option<Vec<_>>>()?;
        let mut fonts = Fonts { faces, known: Vec::new() };
        fonts.known = ('\0'..LOOKED_UP).map(|c| fonts.look_up(c)).collect();
        Some(fonts)
    }

    /// How `c` is drawn, from the fonts' tables: a character no font has is its first font's blank.
    fn look_up(&self, c: char) -> Drawn {
        let found = self.faces.iter().enumerate().find_map(|(at, (face, _))| Some((at, face.glyph_index(c)?)));
        // A character no font has takes no room, as it always has here.
        let Some((face, glyph)) = found else { return Drawn { face: 0, glyph: ttf_parser::GlyphId(0), advance: 0.0 } };
        let parsed = &self.faces[face].0;
        let advance = f32::from(parsed.glyph_hor_advance(glyph).unwrap_or(0)) / f32::from(parsed.units_per_em());
        Drawn { face, glyph, advance }
    }

    fn drawn(&self, c: char) -> Drawn {
        self.known.get(c as usize).copied().unwrap_or_else(|| self.look_up(c))
    }

    fn face_for(&self, c: char) -> usize {
        self.drawn(c).face
    }

    fn advance(&self, c: char, size: f32) -> f32 {
        self.drawn(c).advance * size
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// Splits `text` into runs that one font can draw.
    fn runs<'t>(&self, text: &'t str) -> Vec<(usize, &'t str)> {
        let mut runs: Vec<(usize, &str)> = Vec::new();
        let mut start = 0;
        let mut current = None;
        for (index, c) in text.char_indices() {
            let face = self.face_for(c);
            if current.is_some_and(|f| f != face) {
                runs.push((current.unwrap_or(0), &text[start..index]));
                start = index;
            }
            current = Some(face);
        }
        if let Some(face) = current {
            runs.push((face, &text[start..]));
        }
        runs
    }

    /// Greedy word wrap to `width`; a word wider than a line is broken between characters.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let space = self.advance(' ', size);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in text.split_whitespace() {
            let word_width = self.width(word, size);
            if !line.is_empty() && line_width + space + word_width <= width + WRAP_SLACK {
                line.push(' ');
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_width = 0.0;
            for c in word.chars() {
                let advance = self.advance(c, size);
                if !line.is_empty() && line_width + advance > width + WRAP_SLACK {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += advance;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// What is drawn, in page coordinates (points, origin top left).
enum Op {
    Text { x: f32, baseline: f32, size: f32, face: usize, text: String, colour: [u8; 3] },
    Rect { rect: Rect, colour: [u8; 3] },
    Svg { tree: Box<usvg::Tree>, rect: Rect },
    Link { rect: Rect, url: String },
}

/// A parsed SVG and the size it is drawn at on the page.
struct Figure {
    tree: usvg::Tree,
    width: f32,
    height: f32,
}

impl Figure {
    fn parse(svg: &str, options: &usvg::Options) -> Result<Figure, PdfError> {
        let tree = usvg::Tree::from_str(svg, options).map_err(|error| PdfError::Chart(error.to_string()))?;
        let size = tree.size();
        let mut width = CONTENT_WIDTH;
        let mut height = size.height() * width / size.width();
        let room = BOTTOM - TOP - 60.0;
        if height > room {
            width *= room / height;
            height = room;
        }
        Ok(Figure { tree, width, height })
    }
}

struct Heading {
    text: String,
    page: usize,
    y: f32,
}

/// The first pass: content placed on pages.
struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    headings: Vec<Heading>,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout { fonts, pages: vec![Vec::new()], y: TOP, headings: Vec::new() }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn reserve(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    /// One line of text at `x`, split into runs by font.
    fn text_line(&mut self, x: f32, baseline: f32, size: f32, text: &str, colour: [u8; 3]) {
        let mut x = x;
        let runs: Vec<(usize, String, f32)> = self
            .fonts
            .runs(text)
            .into_iter()
            .map(|(face, run)| (face, run.to_owned(), self.fonts.width(run, size)))
            .collect();
        for (face, text, width) in runs {
            self.page().push(Op::Text { x, baseline, size, face, text, colour });
            x += width;
        }
    }

    fn paragraph(&mut self, text: &str, size: f32, colour: [u8; 3]) {
        self.indented_paragraph(text, size, colour, 0.0, None);
    }

    /// A wrapped paragraph; `marker` (a bullet or number) hangs in the indent.
    fn indented_paragraph(&mut self, text: &str, size: f32, colour: [u8; 3], indent: f32, marker: Option<&str>) {
        let leading = size * 1.35;
        let lines = self.fonts.wrap(text, size, CONTENT_WIDTH - indent);
        for (index, line) in lines.iter().enumerate() {
            self.reserve(leading);
            let baseline = self.y + size;
            if index == 0
                && let Some(marker) = marker
            {
                self.text_line(MARGIN, baseline, size, marker, colour);
            }
            self.text_line(MARGIN + indent, baseline, size, line, colour);
            self.y += leading;
        }
        self.y += size * 0.5;
    }

    /// A heading, kept on one page with the first `keep` points of what follows it.
    fn heading(&mut self, text: &str, size: f32, keep: f32) {
        let leading = size * 1.25;
        let lines = self.fonts.wrap(text, size, CONTENT_WIDTH);
        self.reserve(lines.len() as f32 * leading + size * 0.6 + keep);
        if self.y > TOP {
            self.y += size * 0.6;
        }
        let page = self.pages.len() - 1;
        self.headings.push(Heading { text: text.to_owned(), page, y: self.y });
        for line in &lines {
            self.text_line(MARGIN, self.y + size, size, line, TEXT);
            self.y += leading;
        }
        self.y += size * 0.35;
    }

    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, colour: [u8; 3]) {
        if let Some(rect) = Rect::from_xywh(x, y, width, height) {
            self.page().push(Op::Rect { rect, colour });
        }
    }

    /// An SVG figure, scaled to the text width (or down to fit a page), with its caption.
    fn figure(&mut self, figure: Figure, caption: &str) {
        self.reserve(figure.height + 24.0);
        if let Some(rect) = Rect::from_xywh(MARGIN, self.y, figure.width, figure.height) {
            self.page().push(Op::Svg { tree: Box::new(figure.tree), rect });
        }
        self.y += figure.height + 4.0;
        self.paragraph(caption, 8.5, MUTED);
        self.y += 6.0;
    }

    /// A table with wrapped cells; the header row is repeated on every page the table spans.
    fn table(&mut self, columns: &[&str], rows: &[Vec<String>], size: f32) {
        // Nothing cancels a throwaway counter.
        let _ = self.counted_table(columns, rows, size, &Progress::default());
    }

    /// A table whose rows are counted in `progress` as they are laid out; stops once it is cancelled.
    fn counted_table(
        &mut self,
        columns: &[&str],
        rows: &[Vec<String>],
        size: f32,
        progress: &Progress,
    ) -> Result<(), PdfError> {
        let padding = 3.0;
        let leading = size * 1.3;
        let widths = column_widths(self.fonts, columns, rows, size, padding);
        let header: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        let wrap_row = |cells: &[String]| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| {
                    let mut lines = self.fonts.wrap(cell, size, width - 2.0 * padding);
                    if lines.len() > MAX_CELL_LINES {
                        lines.truncate(MAX_CELL_LINES);
                        lines[MAX_CELL_LINES - 1].push('…');
                    }
                    lines
                })
                .collect()
        };
        let header_lines = wrap_row(&header);
        let height_of =
            |lines: &[Vec<String>]| lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * padding;
        let header_height = height_of(&header_lines);
        let draw_row = |layout: &mut Self, lines: &[Vec<String>], shaded: bool| {
            let height = height_of(lines);
            let top = layout.y;
            if shaded {
                layout.rect(MARGIN, top, CONTENT_WIDTH, height, HEADER_FILL);
            }
            let mut x = MARGIN;
            for (cell, width) in lines.iter().zip(&widths) {
                for (index, line) in cell.iter().enumerate() {
                    let baseline = top + padding + size + index as f32 * leading;
                    layout.text_line(x + padding, baseline, size, line, TEXT);
                }
                x += width;
            }
            layout.rect(MARGIN, top + height - 0.4, CONTENT_WIDTH, 0.4, RULE);
            layout.y += height;
        };
        self.reserve(header_height + leading * 2.0);
        draw_row(self, &header_lines, true);
        for row in rows {
            if progress.is_cancelled() {
                return Err(PdfError::Cancelled);
            }
            let lines = wrap_row(row);
            let height = height_of(&lines);
            if self.y + height > BOTTOM {
                self.new_page();
                draw_row(self, &header_lines, true);
            }
            draw_row(self, &lines, false);
            progress.add(1);
        }
        self.y += 10.0;
        Ok(())
    }
}

/// Column widths that fill the text width: each column gets at least its longest word (within reason),
/// and the rest is shared in proportion to how much more each column's text wants.
fn column_widths(fonts: &Fonts, columns: &[&str], rows: &[Vec<String>], size: f32, padding: f32) -> Vec<f32> {
    let count = columns.len().max(1);
    let cap = CONTENT_WIDTH * 0.4;
    let mut minimum = vec![0.0_f32; count];
    let mut desired = vec![0.0_f32; count];
    let mut measure = |index: usize, text: &str| {
        if index >= count {
            return;
        }
        // Long cells in large tables: the first characters are enough to judge a column's width.
        let text: String = text.chars().take(200).collect();
        let longest_word = text.split_whitespace().map(|w| fonts.width(w, size)).fold(0.0, f32::max);
        minimum[index] = minimum[index].max(longest_word.min(cap / 2.0) + 2.0 * padding);
        desired[index] = desired[index].max(fonts.width(&text, size).min(cap) + 2.0 * padding);
    };
    for (index, column) in columns.iter().enumerate() {
        measure(index, column);
    }
    // A thousand rows show a column's shape; every row would cost a second on a million.
    for row in rows.iter().take(1000) {
        for (index, cell) in row.iter().enumerate() {
            measure(index, cell);
        }
    }
    let minimum_total: f32 = minimum.iter().sum();
    if minimum_total >= CONTENT_WIDTH {
        return minimum.iter().map(|w| w * CONTENT_WIDTH / minimum_total).collect();
    }
    let extra: Vec<f32> = desired.iter().zip(&minimum).map(|(d, m)| (d - m).max(0.0)).collect();
    let extra_total: f32 = extra.iter().sum();
    let room = CONTENT_WIDTH - minimum_total;
    minimum
        .iter()
        .zip(&extra)
        .map(|(m, e)| if extra_total > 0.0 { m + room * (e / extra_total).min(1.0) } else { m + room / count as f32 })
        .collect()
}

fn cells_with_citations(report: &Report, table: &ReportTable) -> Vec<Vec<String>> {
    report
        .rows(table)
        .map(|row| {
            let mut cells = row.cells;
            cells.push(citation_marks(&row.citations));
            cells
        })
        .collect()
}

/// The PDF report of `dataset`: prepared with figures sized for the page, laid out and written.
pub fn report(dataset: &Dataset, options: &ReportOptions) -> Result<Vec<u8>, PdfError> {
    report_with(dataset, options, &Progress::default())
}

/// [`report`], counting the table rows laid out in `progress`; stops once it is cancelled.
pub fn report_with(dataset: &Dataset, options: &ReportOptions, progress: &Progress) -> Result<Vec<u8>, PdfError> {
    render(&prepare(dataset, &ReportOptions { figure_width: FIGURE_WIDTH, ..options.clone() }), progress)
}

/// Lays the report out and writes the PDF file's bytes.
fn render(report: &Report, progress: &Progress) -> Result<Vec<u8>, PdfError> {
    progress.set_total(report.table_rows() as u64);
    let fonts = Fonts::bundled().ok_or(PdfError::Fonts)?;
    let svg_options = svg_options();
    let options = &report.options;
    let mut layout = Layout::new(&fonts);
    layout.heading(&options.title, 20.0, 40.0);
    let mut dataset_line = format!("Dataset: {}", report.dataset_title);
    if !report.release.is_empty() {
        dataset_line.push_str(&format!(" · release {}", report.release));
    }
    if let Some(cutoff) = report.cutoff {
        dataset_line.push_str(&format!(" · data to {}", cutoff.human()));
    }
    layout.paragraph(&dataset_line, 9.5, MUTED);
    layout.paragraph(
        &format!(
            "Filter: {} · {} of {} acquisitions",
            options.filter.describe(),
            report.acquisitions_shown,
            report.acquisitions_total
        ),
        9.5,
        MUTED,
    );

    layout.heading("Headline figures", 14.0, 60.0);
    layout.paragraph(
        "Per stage; never added across stages, units or currencies. “Up to” figures are ceilings.",
        10.0,
        TEXT,
    );
    let totals: Vec<Vec<String>> = report
        .totals
        .iter()
        .map(|row| {
            vec![row.stage.label().to_owned(), row.records.to_string(), row.describe_units(), row.describe_money()]
        })
        .collect();
    layout.table(&["Stage", "Records", "Quantities", "Values"], &totals, 8.5);

    if !report.progress.is_empty() {
        layout.heading("Progress", 14.0, 60.0);
        layout.paragraph(&super::progress_note(report), 10.0, TEXT);
        let mut columns = super::PROGRESS_COLUMNS;
        columns[0] = report.progress_by;
        layout.table(&columns, &report.progress, 8.0);
    }

    if let Some(changes) = &report.changes {
        layout.heading(&format!("Changes since {}", changes.since), 14.0, 60.0);
        layout.paragraph(&super::changes_note(changes), 10.0, TEXT);
        if !changes.rows.is_empty() {
            layout.table(&super::CHANGES_COLUMNS, &changes.rows, 8.0);
        }
    }

    if let Some(timeline) = &report.timeline_svg {
        let figure = Figure::parse(timeline, &svg_options)?;
        layout.heading("Timeline", 14.0, figure.height);
        layout.figure(figure, "From the Vilnius Summit (July 2023) to the Washington Summit (July 2024).");
    }
    for (index, chart) in report.charts.iter().enumerate() {
        let figure = Figure::parse(&chart.svg, &svg_options)?;
        if index == 0 {
            layout.heading("Acquisition volumes", 14.0, figure.height);
        }
        layout.figure(figure, &chart.caption);
    }
    if options.tables {
        let with_sources = |columns: &[&'static str]| {
            let mut columns = columns.to_vec();
            columns.push("Sources");
            columns
        };
        layout.heading("Commitments", 14.0, 60.0);
        let commitments = cells_with_citations(report, &report.commitments);
        layout.counted_table(&with_sources(&report.commitments.labels()), &commitments, 7.5, progress)?;
        if let Some(more) = super::more_rows(report.commitments.more) {
            layout.paragraph(&more, 9.5, MUTED);
        }
        layout.heading("Acquisitions", 14.0, 60.0);
        let acquisitions = cells_with_citations(report, &report.acquisitions);
        layout.counted_table(&with_sources(&report.acquisitions.labels()), &acquisitions, 7.5, progress)?;
        if let Some(more) = super::more_rows(report.acquisitions.more) {
            layout.paragraph(&more, 9.5, MUTED);
        }
    }

    layout.heading("Sources", 14.0, 40.0);
    for source in &report.sources {
        let mut line = source.describe();
        if let Some(url) = &source.url {
            line.push_str(&format!(". {url}"));
        }
        if let Some(accessed) = source.accessed {
            line.push_str(&format!(" (accessed {})", accessed.human()));
        }
        let (page, top) = (layout.pages.len(), layout.y);
        layout.indented_paragraph(&line, 9.0, TEXT, 18.0, Some(&format!("{}.", source.number)));
        if let Some(url) = &source.url {
            // The whole entry is the link when it stayed on one page.
            if page == layout.pages.len()
                && let Some(rect) = Rect::from_xywh(MARGIN, top, CONTENT_WIDTH, layout.y - top)
            {
                layout.page().push(Op::Link { rect, url: url.clone() });
            }
        }
    }
    layout.heading("Method", 14.0, 40.0);
    for line in METHODOLOGY {
        layout.indented_paragraph(line, 9.0, TEXT, 12.0, Some("•"));
    }
    draw(layout, &fonts, &options.title)
}

/// Chart text is set in the bundled sans font, whatever the machine has installed.
fn svg_options() -> usvg::Options<'static> {
    let mut options = usvg::Options::default();
    let fontdb = options.fontdb_mut();
    fontdb.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
    fontdb.load_font_data(epaint_default_fonts::HACK_REGULAR.to_vec());
    let family = fontdb.faces().next().and_then(|face| face.families.first()).map(|(name, _)| name.clone());
    if let Some(family) = family {
        fontdb.set_sans_serif_family(family);
    }
    options
}

fn colour(rgb: [u8; 3]) -> Fill {
    Fill { paint: rgb::Color::new(rgb[0], rgb[1], rgb[2]).into(), ..Fill::default() }
}

/// The second pass: pages, footers, links, bookmarks and metadata.
fn draw(layout: Layout, fonts: &Fonts, title: &str) -> Result<Vec<u8>, PdfError> {
    let mut document = Document::new();
    let page_count = layout.pages.len();
    for (index, ops) in layout.pages.into_iter().enumerate() {
        let Some(settings) = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT) else { continue };
        let mut page = document.start_page_with(settings);
        let mut links = Vec::new();
        let mut surface = page.surface();
        let footer = format!("{title} · page {} of {page_count}", index + 1);
        let footer_ops = footer_ops(fonts, &footer);
        for op in ops.into_iter().chain(footer_ops) {
            match op {
                Op::Text { x, baseline, size, face, text, colour: rgb } => {
                    let Some((_, font)) = fonts.faces.get(face) else { continue };
                    surface.set_fill(Some(colour(rgb)));
                    let start = Point::from_xy(x, baseline);
                    if is_drawn_as_written(&text) {
                        let glyphs = glyphs_as_written(fonts, &text);
                        surface.draw_glyphs(start, &glyphs, font.clone(), &text, size, false);
                    } else {
                        surface.draw_text(start, font.clone(), size, &text, false, TextDirection::Auto);
                    }
                }
                Op::Rect { rect, colour: rgb } => {
                    let mut path = PathBuilder::new();
                    path.push_rect(rect);
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(colour(rgb)));
                        surface.draw_path(&path);
                    }
                }
                Op::Svg { tree, rect } => {
                    let Some(size) = Size::from_wh(rect.width(), rect.height()) else { continue };
                    surface.push_transform(&Transform::from_translate(rect.left(), rect.top()));
                    surface.draw_svg(&tree, size, SvgSettings::default());
                    surface.pop();
                }
                Op::Link { rect, url } => links.push((rect, url)),
            }
        }
        surface.finish();
        for (rect, url) in links {
            let target = Target::Action(LinkAction::new(url.clone()).into());
            page.add_annotation(Annotation::new_link(LinkAnnotation::new(rect, target), Some(url)));
        }
        page.finish();
    }
    let mut outline = Outline::new();
    for heading in layout.headings {
        let destination = XyzDestination::new(heading.page, Point::from_xy(MARGIN, heading.y));
        outline.push_child(OutlineNode::new(heading.text, destination));
    }
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new().title(title.to_owned()).creator(format!("Pledge Explorer {}", env!("CARGO_PKG_VERSION"))),
    );
    document.finish().map_err(PdfError::Write)
}

/// Whether `text` is drawn a glyph per character, left to right, as its widths are measured here: the
/// scripts before Hebrew in Unicode (Latin, Greek, Cyrillic, Armenian) without combining marks, and the
/// punctuation, currency signs, arrows and mathematical signs ("≈", "€", "–") without the invisible
/// joiners and direction marks among them. Other text is shaped by krilla, which builds a shaping plan
/// for every call: a table cell a time, that took a minute for a report of 200,000 rows.
fn is_drawn_as_written(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c,
            '\0'..='\u{02FF}' | '\u{0370}'..='\u{058F}'
            | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{2070}'..='\u{20CF}' | '\u{2100}'..='\u{2BFF}')
    })
}

/// A glyph per character of `text` (a run of one font), each advancing by its width as [`Fonts::advance`]
/// measures it.
fn glyphs_as_written(fonts: &Fonts, text: &str) -> Vec<KrillaGlyph> {
    text.char_indices()
        .map(|(at, c)| {
            let Drawn { glyph, advance, .. } = fonts.drawn(c);
            KrillaGlyph::new(GlyphId::new(u32::from(glyph.0)), advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None)
        })
        .collect()
}

fn footer_ops(fonts: &Fonts, footer: &str) -> Vec<Op> {
    let mut layout = Layout::new(fonts);
    layout.text_line(MARGIN, PAGE_HEIGHT - 32.0, 8.0, footer, MUTED);
    layout.pages.pop().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text drawn a glyph per character takes exactly the width the layout measured for it, so that wrapped
    /// cells and columns fit; text that needs shaping is left to krilla.
    #[test]
    fn text_is_drawn_as_wide_as_it_was_measured() {
        let fonts = Fonts::bundled().expect("the bundled fonts");
        for text in ["Patriot GEM-T missile", "Türkiye · ≈ 1,000 up to 2030", "Ελλάδα, Україна", "₹ 5 bn"]
        {
            assert!(is_drawn_as_written(text), "{text}");
            for (face, run) in fonts.runs(text) {
                let glyphs = glyphs_as_written(&fonts, run);
                assert_eq!(glyphs.len(), run.chars().count());
                assert!(glyphs.iter().all(|glyph| {
                    fonts.faces[face]
                        .0
                        .glyph_index(run[glyph.text_range.clone()].chars().next().unwrap())
                        .map(|g| u32::from(g.0))
                        == Some(glyph.glyph_id.to_u32())
                }));
                let drawn: f32 = glyphs.iter().map(|glyph| glyph.x_advance * 9.0).sum();
                assert!(
                    (drawn - fonts.width(run, 9.0)).abs() < 1e-3,
                    "{run}: {drawn} drawn, {} measured",
                    fonts.width(run, 9.0)
                );
            }
        }
        for shaped in ["e\u{0301}", "مرحبا", "עברית", "नमस्ते", "a\u{200D}b", "\u{202E}abc", "👍🏽"]
        {
            assert!(!is_drawn_as_written(shaped), "{shaped}");
        }
    }
}
