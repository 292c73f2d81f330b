use super::*;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolInterface;
use plasma_contracts::{PaymentExitGame, PlasmaCash};

/// Every custom error any of our contracts can raise has a sentence, and every `{arg:kind}`
/// in a sentence names an argument of every declaration of that error and a kind `render`
/// knows: a new error without words, or a renamed argument, fails here.
#[test]
fn every_error_of_every_contract_has_a_sentence_that_fits_it() {
    let errors = artifact_errors();
    assert!(errors.len() > 150, "only {} errors read from the artifacts", errors.len());
    for error in &errors {
        let template =
            sentence_for(&error.name).unwrap_or_else(|| panic!("no sentence for {}", error.name));
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("a closed brace") + open;
            let field = &rest[open + 1..close];
            let (name, kind) = field.split_once(':').unwrap_or((field, ""));
            assert!(
                error.inputs.iter().any(|p| p.name == name),
                "{}: {{{field}}} is not one of its arguments",
                error.name
            );
            assert!(KINDS.contains(&kind), "{}: unknown kind {kind:?}", error.name);
            rest = &rest[close + 1..];
        }
    }
    for (name, _) in sentences::SENTENCES {
        assert!(errors.iter().any(|e| e.name == *name), "sentence for unknown error {name}");
    }
}

#[test]
fn a_revert_reads_as_a_sentence_with_its_numbers_in_their_units() {
    let data = PlasmaCash::PlasmaCashErrors::ExitNotMature(PlasmaCash::ExitNotMature {
        exitableAt: U256::from(1_796_564_050u64),
    })
    .abi_encode();
    let explained = explain(&data).unwrap();
    assert_eq!(explained.name, "ExitNotMature");
    assert_eq!(explained.times, [1_796_564_050]);
    assert!(explained.sentence.contains("2026-12-06 13:34:10 UTC"), "{}", explained.sentence);
    assert!(describe(&data).ends_with("(ExitNotMature)"), "{}", describe(&data));

    let data = PlasmaCash::PlasmaCashErrors::WrongCoinState(PlasmaCash::WrongCoinState {
        slot: 7,
        state: 4,
    })
    .abi_encode();
    let sentence = explain(&data).unwrap().sentence;
    assert!(sentence.contains("withdrawn") && sentence.contains('7'), "{sentence}");
    assert!(!sentence.contains("state: 4"), "{sentence}");

    let bond = U256::from(17_000_000_000_000_000u64);
    let data = PaymentExitGame::PaymentExitGameErrors::WrongBond(PaymentExitGame::WrongBond {
        sent: U256::ZERO,
        required: bond,
    })
    .abi_encode();
    assert!(explain(&data).unwrap().sentence.contains("0.017 ETH"), "{:?}", explain(&data));
}

#[test]
fn what_is_not_ours_is_still_named() {
    assert_eq!(describe(&[]), "no revert data");
    assert_eq!(describe(&[0xde, 0xad, 0xbe, 0xef, 1]), "custom error 0xdeadbeef (5 bytes)");
    assert!(explain(&[0xde, 0xad]).is_none());
    let unknown_arg =
        render("{missing} and {who}", &[("who", &DynSolValue::Address(Address::ZERO))]);
    assert_eq!(unknown_arg.0, format!("{{missing}} and {}", Address::ZERO));
}
