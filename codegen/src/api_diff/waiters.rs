//! The rules for waiters (`x-waiters`): each is a `Client::wait_for_…` method and a type that
//! says what it waits for, so adding one is an addition and removing or renaming one breaks
//! callers; which states end the wait is behaviour, not API.

use super::{Changes, Effect, ItemChanges, Section};
use crate::model::{Api, Waiter};

/// Records every difference between the waiters of two versions, matched by method name.
pub fn compare(old: &Api, new: &Api, changes: &mut Changes) {
    for waiter in &old.waiters {
        let mut out = changes.of(Section::Waiters, &waiter.method_name);
        match new
            .waiters
            .iter()
            .find(|w| w.method_name == waiter.method_name)
        {
            Some(now) => compare_waiter(waiter, now, &mut out),
            None => out.record(
                &waiter.pointer,
                Effect::patch(format!(
                    "waiter '{}' removed (not sent on the wire)",
                    waiter.method_name
                )),
                Effect::breaking(format!(
                    "Client::{} and {} removed",
                    waiter.method_name, waiter.type_name
                )),
            ),
        }
    }
    for waiter in &new.waiters {
        if old
            .waiters
            .iter()
            .any(|w| w.method_name == waiter.method_name)
        {
            continue;
        }
        changes.of(Section::Waiters, &waiter.method_name).record(
            &waiter.pointer,
            Effect::patch(format!(
                "waiter '{}' added (not sent on the wire)",
                waiter.method_name
            )),
            Effect::addition(format!(
                "Client::{} and {} added",
                waiter.method_name, waiter.type_name
            )),
        );
    }
}

fn compare_waiter(old: &Waiter, new: &Waiter, out: &mut ItemChanges<'_>) {
    let method = &new.method_name;
    if old.type_name != new.type_name {
        out.record(
            new.pointer.join("type"),
            Effect::patch("waiter type renamed (not sent on the wire)"),
            Effect::breaking(format!(
                "{} renamed to {}: Client::{method} returns Waiter<{}>",
                old.type_name, new.type_name, new.type_name
            )),
        );
    }
    if old.operation != new.operation {
        out.record(
            &new.pointer,
            Effect::breaking(format!(
                "polls {} instead of {}",
                new.operation, old.operation
            )),
            Effect::patch(format!("Client::{method} polls Client::{}", new.operation)),
        );
    }
    let states = |w: &Waiter| (w.success.clone(), w.failure.clone());
    if states(old) != states(new)
        || old.state.name != new.state.name
        || old.result.name != new.result.name
    {
        out.record(
            &new.pointer,
            Effect::patch(format!(
                "states that end the wait: success {:?} -> {:?}, failure {:?} -> {:?}",
                old.success, new.success, old.failure, new.failure
            )),
            Effect::patch(format!(
                "Client::{method} ends on other states; its API is unchanged"
            )),
        );
    }
}
