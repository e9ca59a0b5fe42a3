//! Hides passwords given on the command line from the process list, as the `mysql` client
//! does: the bytes of the value in the process's own argument area (what `ps` and
//! `/proc/<pid>/cmdline` show) are overwritten with `x` right at start-up, after the standard
//! library has copied the arguments for parsing.
//!
//! On Linux with glibc, functions in `.init_array` receive `argc` and `argv`; the one below
//! records them. Elsewhere this is a no-op (and the operator is warned to use `--conf` or
//! `GHOST_RS_PASSWORD` instead).

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*mut u8> = AtomicPtr::new(std::ptr::null_mut());
static HID_SOMETHING: AtomicBool = AtomicBool::new(false);

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[link_section = ".init_array"]
static CAPTURE_ARGS: extern "C" fn(i32, *mut *mut u8, *mut *mut u8) = capture;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" fn capture(argc: i32, argv: *mut *mut u8, _envp: *mut *mut u8) {
    ARGC.store(argc.max(0) as usize, Ordering::SeqCst);
    ARGV.store(argv, Ordering::SeqCst);
}

/// The flags whose values are secrets.
const SECRET_FLAGS: &[&str] = &["password", "master-password"];

/// Whether `arg` is `--flag` / `-flag` for a secret flag (the value is the next argument), or
/// `--flag=value` (returns the offset of the value).
fn classify(arg: &[u8]) -> Option<Option<usize>> {
    let name = arg.strip_prefix(b"--").or_else(|| arg.strip_prefix(b"-"))?;
    for f in SECRET_FLAGS {
        let f = f.as_bytes();
        if name == f {
            return Some(None);
        }
        if name.len() > f.len() && name.starts_with(f) && name[f.len()] == b'=' {
            return Some(Some(arg.len() - name.len() + f.len() + 1));
        }
    }
    None
}

/// Overwrites the values of secret flags in the process's argument area.
pub fn hide_password_values() {
    let argc = ARGC.load(Ordering::SeqCst);
    let argv = ARGV.load(Ordering::SeqCst);
    if argv.is_null() {
        return;
    }
    let mut next_is_secret = false;
    for i in 1..argc {
        // SAFETY: argv has argc valid, NUL-terminated, writable strings (C runtime contract);
        // we only overwrite bytes before each terminator, never change lengths.
        unsafe {
            let p = *argv.add(i);
            if p.is_null() {
                break;
            }
            let len = (0..).take_while(|&k| *p.add(k) != 0).count();
            let bytes = std::slice::from_raw_parts_mut(p, len);
            if next_is_secret {
                bytes.iter_mut().for_each(|b| *b = b'x');
                HID_SOMETHING.store(true, Ordering::SeqCst);
                next_is_secret = false;
                continue;
            }
            if bytes == b"--" {
                break;
            }
            match classify(bytes) {
                Some(None) => next_is_secret = true,
                Some(Some(off)) => {
                    bytes[off..].iter_mut().for_each(|b| *b = b'x');
                    HID_SOMETHING.store(true, Ordering::SeqCst);
                }
                None => {}
            }
        }
    }
}

/// A password was given on the command line (and has been hidden).
pub fn password_was_on_command_line() -> bool {
    HID_SOMETHING.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_secret_flags() {
        assert_eq!(classify(b"--password"), Some(None));
        assert_eq!(classify(b"-password"), Some(None));
        assert_eq!(classify(b"--password=abc"), Some(Some(11)));
        assert_eq!(classify(b"-master-password=abc"), Some(Some(17)));
        assert_eq!(classify(b"--passwordx=1"), None);
        assert_eq!(classify(b"--user"), None);
        assert_eq!(classify(b"password"), None);
    }
}
