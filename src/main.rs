//! The command-line edge: parse arguments, run the library, turn errors into messages and exit
//! codes (0 ok, 1 failed or found problems, 2 bad usage).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
