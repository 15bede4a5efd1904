//! Every input a fuzz run found a fault with (`fuzz/regressions/<operation_id>/`) replays
//! through the same harness as the fuzz target, and must now pass.

use cbr_tests::model_registry::{check_response, OPERATIONS};
use cbr_tests::response_harness::ResponseInput;
use cbr_tests::workspace_file;

#[test]
fn every_saved_fuzz_finding_now_passes() {
    let root = workspace_file("fuzz/regressions");
    let mut replayed = 0;
    let mut failures = Vec::new();
    let mut targets: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .collect();
    targets.sort();
    for target in targets {
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            OPERATIONS.contains(&name.as_str()),
            "{}: not a fuzz target (an operation ID)",
            target.display()
        );
        let mut inputs: Vec<_> = std::fs::read_dir(&target)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        inputs.sort();
        for path in inputs {
            let data = std::fs::read(&path).unwrap();
            let outcome = check_response(&name, &ResponseInput::parse(&data));
            replayed += 1;
            if let Some(Err(violation)) = outcome {
                failures.push(format!("{}: {violation}", path.display()));
            }
        }
    }
    assert!(replayed > 0, "no saved findings under {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
