//! A panic turned into a message. A bug in one piece of work (a view, a load on a worker, a data check)
//! must not end the app or leave it waiting for a result that never comes: the work's panic is caught
//! where it runs and becomes an error the user is told about.

/// Runs `work`, giving the message of its panic if it panics. Whatever `work` was changing when it
/// panicked must be thrown away or replaced by the caller, never used as if complete.
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    // Unwind safety is the caller's: every caller drops the work's state or reports it failed.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| message(payload.as_ref()))
}

/// The text a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown error".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_a_result_passes_through() {
        assert_eq!(catch(|| 7), Ok(7));
        assert_eq!(catch(|| -> u8 { panic!("plain text") }), Err("plain text".to_owned()));
        let index = 3;
        assert_eq!(catch(|| -> u8 { panic!("index {index} out of range") }), Err("index 3 out of range".to_owned()));
        assert_eq!(catch(|| std::panic::panic_any(42_u32)), Err::<(), _>("an unknown error".to_owned()));
    }
}
