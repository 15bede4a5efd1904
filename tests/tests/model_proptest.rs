//! Arbitrary values of every generated model round-trip: for each schema with a model
//! (`cbr_tests::model_registry::MODELS`), values conforming to the schema are generated from the
//! spec (`cbr_tests::schema_strategy`), including members and enumeration values the spec does
//! not list, `null` and absent members; each is read into the model, written back and read
//! again, and must give the same JSON and an equal typed value.
//!
//! `PROPTEST_CASES` sets the number of cases per model (default 64).

use std::time::Instant;

use cbr_tests::model_registry::{roundtrip, MODELS};
use cbr_tests::roundtrip::differences;
use cbr_tests::schema_strategy::{Limits, SchemaStrategies};
use cbr_tests::spec;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// Cases per model unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 64;

fn config() -> Config {
    cbr_tests::proptest_config(CASES)
}

/// Reads `value` into the model of `pointer`, and checks that it is written back unchanged.
fn check(pointer: &str, value: &Value) -> Result<(), TestCaseError> {
    let outcome = roundtrip(pointer, value)
        .ok_or_else(|| TestCaseError::fail(format!("{pointer} has no model")))?;
    let roundtrip =
        outcome.map_err(|error| TestCaseError::fail(format!("{error}\ninput: {value}")))?;
    let differences = differences(value, &roundtrip.json);
    if differences.is_empty() {
        return Ok(());
    }
    Err(TestCaseError::fail(format!(
        "written back differently: {}\ninput:   {value}\nwritten: {}",
        differences.join("; "),
        roundtrip.json
    )))
}

/// Runs the property for each model of `models`; returns one message per failing model.
fn run(
    strategies: &SchemaStrategies<'_>,
    models: &[&(&str, &str)],
    config: &Config,
) -> Vec<String> {
    let mut failures = Vec::new();
    for &&(pointer, rust_type) in models {
        let strategy = match strategies.model_values(pointer) {
            Ok(strategy) => strategy,
            Err(error) => {
                failures.push(format!("{rust_type}: no values can be generated: {error}"));
                continue;
            }
        };
        let mut runner = TestRunner::new(config.clone());
        if let Err(error) = runner.run(&strategy, |value| check(pointer, &value)) {
            failures.push(format!("{rust_type} ({pointer}): {error}"));
        }
    }
    failures
}

#[test]
fn arbitrary_values_of_every_model_round_trip() {
    let doc = spec();
    let strategies = SchemaStrategies::new(&doc, Limits::default());
    let config = config();
    let started = Instant::now();
    // The models are shared out among the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                let models: Vec<_> = MODELS.iter().skip(first).step_by(threads).collect();
                let (strategies, config) = (&strategies, &config);
                scope.spawn(move || run(strategies, &models, config))
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a worker panicked"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} models do not round-trip:\n{}",
        failures.len(),
        MODELS.len(),
        failures.join("\n\n")
    );
    println!(
        "{} models, {} cases each, in {:.1} s",
        MODELS.len(),
        config.cases,
        started.elapsed().as_secs_f64()
    );
}

/// The registry names every object schema and string enumeration among the components, so the
/// property test above covers every model.
#[test]
fn every_component_with_a_model_is_registered() {
    let doc = spec();
    let mut missing = Vec::new();
    for (name, schema) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let has_members = schema["properties"]
            .as_object()
            .is_some_and(|p| !p.is_empty());
        let is_enumeration = schema["type"] == "string" && schema.get("enum").is_some();
        let pointer = format!("#/components/schemas/{}", cbr_tests::escape_pointer(name));
        if (has_members || is_enumeration) && !MODELS.iter().any(|(p, _)| *p == pointer) {
            missing.push(pointer);
        }
    }
    assert!(
        missing.is_empty(),
        "schemas without a registered model: {missing:?}"
    );
    assert!(MODELS.len() >= 2, "the registry is empty");
}
