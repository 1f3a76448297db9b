//! What reading said on stderr. A command that reads a table several times (`kam
//! report` reads the orders for ABC, products, order days and movers) gives each note
//! and warning about a file once, not once per read.

use std::collections::HashSet;
use std::sync::Mutex;

static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Print `line` on stderr unless this process has already printed it.
pub fn say_once(line: String) {
    let mut said = SAID.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if said.get_or_insert_with(HashSet::new).insert(line.clone()) {
        eprintln!("{line}");
    }
}

/// `eprintln!` that prints a line once per process ([`say_once`]).
macro_rules! say_once {
    ($($arg:tt)*) => {
        $crate::input::notes::say_once(format!($($arg)*))
    };
}
