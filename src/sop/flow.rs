//! The flow of a procedure: step numbers, symbols where no shape gives one, `next`, and
//! a decision's `if_yes` / `if_no` from connector labels or from the text
//! ("kembali ke langkah 2", "Tidak → 2, Ya → 4").

use super::procedure::RawStep;
use super::record::{Step, Symbol};
use super::vocab::Vocabulary;

/// True when a step without a shape asks a question and states where "Tidak" leads
/// ("… apakah lengkap? Jika tidak, kembali ke langkah 1").
fn states_branches(r: &RawStep, vocab: &Vocabulary) -> bool {
    let asks = r.activity.contains('?');
    let no = [r.notes.as_deref(), Some(r.activity.as_str())]
        .into_iter()
        .flatten()
        .any(|t| vocab.text_branches(t).1.is_some());
    asks && no
}

/// Turns raw steps into numbered steps with symbols and flow. A step without a shape
/// gets an inferred symbol: the first and last steps are terminators, a question is a
/// decision, the rest are processes.
pub fn finish(raw: Vec<RawStep>, vocab: &Vocabulary) -> Vec<Step> {
    let n = raw.len();
    // A drawing with symbols but no terminator at all (every box drawn alike): the
    // first and last steps are still the terminators.
    let drawn = raw.iter().any(|r| r.symbol.is_some());
    let no_terminator = !raw.iter().any(|r| r.symbol == Some(Symbol::Terminator));
    let mut steps: Vec<Step> = Vec::with_capacity(n);
    let mut prev_no = 0u32;
    for (i, r) in raw.into_iter().enumerate() {
        let no = match r.no {
            Some(x) if x > prev_no => x,
            _ => prev_no.saturating_add(1),
        };
        prev_no = no;
        let ends = i == 0 || i + 1 == n;
        let symbol = match r.symbol {
            Some(Symbol::Process) if drawn && no_terminator && ends => Some(Symbol::Terminator),
            s => s,
        };
        let symbol = symbol.or_else(|| {
            Some(if ends {
                Symbol::Terminator
            } else if vocab.is_decision(&r.activity) || states_branches(&r, vocab) {
                Symbol::Decision
            } else {
                Symbol::Process
            })
        });
        let minutes = r.time.as_deref().and_then(|t| vocab.minutes(t));
        let mut step = Step {
            no,
            activity: r.activity,
            actors: r.actors,
            symbol,
            requirements: r.requirements,
            time: r.time,
            minutes,
            output: r.output,
            notes: r.notes,
            next: Vec::new(),
            if_yes: None,
            if_no: None,
        };
        if step.symbol == Some(Symbol::Decision) {
            let (mut yes, mut no_t) = (None, None);
            for (is_yes, target) in &r.label_branches {
                if *is_yes {
                    yes = yes.or(Some(*target));
                } else {
                    no_t = no_t.or(Some(*target));
                }
            }
            for text in [step.notes.as_deref(), Some(step.activity.as_str())]
                .into_iter()
                .flatten()
            {
                let (y, nn) = vocab.branch_targets(text);
                yes = yes.or(y);
                no_t = no_t.or(nn);
                let (y, nn) = vocab.text_branches(text);
                yes = yes.or(y);
                no_t = no_t.or(nn);
            }
            step.if_yes = yes;
            step.if_no = no_t;
        }
        steps.push(step);
    }
    let nos: Vec<u32> = steps.iter().map(|s| s.no).collect();
    let count = steps.len();
    for (i, s) in steps.iter_mut().enumerate() {
        let following = nos.get(i + 1).copied();
        if s.symbol == Some(Symbol::Decision) {
            if s.if_yes.is_none() {
                s.if_yes = following;
            }
            s.next = [s.if_yes, s.if_no].into_iter().flatten().collect();
            s.next.dedup();
        } else if i + 1 < count {
            s.next = following.into_iter().collect();
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::procedure::ActorSource;

    fn raw(no: u32, act: &str, notes: Option<&str>) -> RawStep {
        RawStep {
            no: Some(no),
            activity: act.into(),
            actors: vec![],
            source: ActorSource::None,
            symbol: None,
            requirements: None,
            time: Some("15 menit".into()),
            output: None,
            notes: notes.map(str::to_string),
            label_branches: vec![],
        }
    }

    #[test]
    fn branch_texts() {
        let v = Vocabulary::default();
        let text_branches = |t: &str| v.text_branches(t);
        assert_eq!(text_branches("Tidak: kembali ke no. 1"), (None, Some(1)));
        assert_eq!(text_branches("Tidak → 3, Ya → 6"), (Some(6), Some(3)));
        assert_eq!(
            text_branches("Jika tidak lengkap dikembalikan ke langkah 1"),
            (None, Some(1))
        );
        assert_eq!(
            text_branches(
                "apakah berkas lengkap? Jika ya, lanjut ke langkah 3; jika tidak, kembali ke langkah 1."
            ),
            (Some(3), Some(1))
        );
        assert_eq!(
            text_branches("Jika tidak, kembali ke langkah 3"),
            (None, Some(3))
        );
    }

    #[test]
    fn flow_of_a_small_procedure() {
        let v = Vocabulary::default();
        let steps = finish(
            vec![
                raw(1, "Mengajukan", None),
                raw(2, "Apakah berkas lengkap?", Some("Tidak: kembali ke no. 1")),
                raw(3, "Memproses", None),
                raw(4, "Selesai", None),
            ],
            &v,
        );
        assert_eq!(steps[0].symbol, Some(Symbol::Terminator));
        assert_eq!(steps[0].next, vec![2]);
        assert_eq!(steps[1].symbol, Some(Symbol::Decision));
        assert_eq!((steps[1].if_yes, steps[1].if_no), (Some(3), Some(1)));
        assert_eq!(steps[1].next, vec![3, 1]);
        assert_eq!(steps[2].symbol, Some(Symbol::Process));
        assert_eq!(steps[3].symbol, Some(Symbol::Terminator));
        assert!(steps[3].next.is_empty());
        assert_eq!(steps[2].minutes, Some(15.0));
    }
}
