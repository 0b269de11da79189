//! Glyphs → words → lines, using the glyphs' real advance widths (from the fonts)
//! to tell a word gap from kerning.

use super::content::Glyph;

/// A gap wider than this fraction of the font size separates two words.
const WORD_GAP: f32 = 0.18;

/// One line of text.
#[derive(Clone, Debug)]
pub struct Line {
    /// The line's text, words joined by single spaces.
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// Largest font size on the line.
    pub size: f32,
}

impl Line {
    /// Top of the line (baseline minus the font size).
    pub fn top(&self) -> f32 {
        self.y - self.size
    }
}

/// Groups glyphs into words: runs on one baseline with no word gap and no space
/// glyph between them. Space glyphs are dropped.
pub fn words<'g>(glyphs: &[&'g Glyph]) -> Vec<Vec<&'g Glyph>> {
    let mut out = Vec::new();
    for mut line in line_groups(glyphs) {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut cur: Vec<&Glyph> = Vec::new();
        for g in line {
            if g.text == " " {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            }
            if let Some(p) = cur.last()
                && g.x0 - p.x1 > WORD_GAP * g.size.max(p.size)
            {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(g);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// Groups glyphs into lines, top to bottom, each line's glyphs left to right.
pub fn lines(glyphs: &[&Glyph]) -> Vec<Line> {
    line_groups(glyphs)
        .into_iter()
        .filter_map(join_line)
        .collect()
}

fn line_groups<'g>(glyphs: &[&'g Glyph]) -> Vec<Vec<&'g Glyph>> {
    let mut order: Vec<&Glyph> = glyphs.to_vec();
    order.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<&'g Glyph>> = Vec::new();
    let mut base = f32::MIN;
    let mut size = 0.0f32;
    for g in order {
        let tol = 0.45 * size.max(g.size);
        match groups.last_mut() {
            Some(cur) if (g.y - base).abs() <= tol => {
                cur.push(g);
                size = size.max(g.size);
            }
            _ => {
                groups.push(vec![g]);
                base = g.y;
                size = g.size;
            }
        }
    }
    groups
}

fn join_line(mut gs: Vec<&Glyph>) -> Option<Line> {
    gs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut text = String::new();
    let mut prev: Option<&Glyph> = None;
    let mut size = 0.0f32;
    let mut x0 = f32::MAX;
    let mut x1 = f32::MIN;
    let mut y = 0.0;
    for g in gs {
        if g.text == " " {
            if !text.is_empty() && !text.ends_with(' ') {
                text.push(' ');
            }
            continue;
        }
        if let Some(p) = prev {
            // The same glyph drawn twice at (nearly) the same spot: fake bold.
            if p.text == g.text && (g.x0 - p.x0).abs() < 0.15 * g.size {
                continue;
            }
            let gap = g.x0 - p.x1;
            if gap > WORD_GAP * g.size.max(p.size) && !text.ends_with(' ') {
                text.push(' ');
            }
        }
        text.push_str(&g.text);
        size = size.max(g.size);
        x0 = x0.min(g.x0);
        x1 = x1.max(g.x1);
        y = g.y;
        prev = Some(g);
    }
    let text = text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    Some(Line {
        text,
        x0,
        x1,
        y,
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(x0: f32, w: f32, y: f32, t: &str) -> Glyph {
        Glyph {
            x0,
            x1: x0 + w,
            y,
            size: 10.0,
            text: t.into(),
            upright: true,
        }
    }

    #[test]
    fn joins_words_by_width_gaps() {
        let gs = [
            g(10.0, 5.0, 100.0, "A"),
            g(15.2, 5.0, 100.0, "b"),
            g(23.0, 5.0, 100.3, "c"),
            g(10.0, 5.0, 115.0, "D"),
        ];
        let refs: Vec<&Glyph> = gs.iter().collect();
        let ls = lines(&refs);
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].text, "Ab c");
        assert_eq!(ls[1].text, "D");
    }
}
