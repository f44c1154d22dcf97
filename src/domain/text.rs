//! Counted nouns for the messages a person reads (job summaries, logs,
//! CLI lines, toasts): "1 trunk", "2 trunks", never "1 trunks".

use std::fmt::Display;

/// The noun that goes with `n`: `singular` for one, `plural` otherwise
/// (zero included: "0 trunks").
pub fn plural<'a, N: PartialEq + From<u8>>(n: N, singular: &'a str, plural: &'a str) -> &'a str {
    if n == N::from(1) {
        singular
    } else {
        plural
    }
}

/// `n` and the noun, singular for one: "1 trunk", "2 trunks".
pub fn count<N: Display + Copy + PartialEq + From<u8>>(
    n: N,
    singular: &str,
    plural: &str,
) -> String {
    format!("{n} {}", self::plural(n, singular, plural))
}

/// `n` and a plural title such as a voice family's ("Phone numbers",
/// "Communication Managers", "SIP trunks") as a counted noun: "1 phone
/// number", "2 Communication Managers", "1 SIP trunk". A title in
/// sentence case loses its capital (a name in title case or an acronym
/// keeps it); the singular drops the last word's `s`.
pub fn count_titled(n: usize, title: &str) -> String {
    let sentence_case = title
        .split(' ')
        .skip(1)
        .all(|w| !w.starts_with(char::is_uppercase))
        && title.chars().nth(1).is_some_and(char::is_lowercase);
    let mut noun = title.to_string();
    if sentence_case {
        noun = title.chars().take(1).flat_map(char::to_lowercase).collect();
        noun.extend(title.chars().skip(1));
    }
    if n == 1 {
        if let Some(singular) = noun.strip_suffix('s') {
            noun = singular.to_string();
        }
    }
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_in_the_singular() {
        assert_eq!(count(1usize, "trunk", "trunks"), "1 trunk");
        assert_eq!(count(0usize, "trunk", "trunks"), "0 trunks");
        assert_eq!(count(2u64, "trunk", "trunks"), "2 trunks");
        assert_eq!(plural(1u64, "finding", "findings"), "finding");
        assert_eq!(plural(11u64, "finding", "findings"), "findings");
    }

    #[test]
    fn a_family_title_counts_in_lower_case_and_singular_for_one() {
        assert_eq!(count_titled(1500, "Phone numbers"), "1500 phone numbers");
        assert_eq!(count_titled(1, "Phone numbers"), "1 phone number");
        assert_eq!(count_titled(0, "Reason codes"), "0 reason codes");
        assert_eq!(count_titled(1, "SIP trunks"), "1 SIP trunk");
        assert_eq!(count_titled(2, "MS Teams elements"), "2 MS Teams elements");
        assert_eq!(
            count_titled(1, "Communication Managers"),
            "1 Communication Manager"
        );
    }

    #[test]
    fn every_listed_voice_family_has_a_sensible_singular() {
        use crate::domain::voice_registry::FAMILIES;
        let singulars: Vec<String> = FAMILIES
            .iter()
            .filter(|f| f.ops.list && f.key != "webhook")
            .map(|f| count_titled(1, f.title))
            .collect();
        assert_eq!(
            singulars,
            [
                "1 ACO element",
                "1 MS Teams element",
                "1 phone number",
                "1 available phone number",
                "1 Aura Device Service",
                "1 Communication Manager",
                "1 Hybrid Cloud Gateway",
                "1 System Manager",
                "1 reason code",
                "1 voice plan",
                "1 hybrid extension",
                "1 hybrid skill",
                "1 sync job",
                "1 route point",
                "1 location profile",
                "1 SIP trunk",
                "1 outbound routing rule",
                "1 agent location",
            ]
        );
    }
}
