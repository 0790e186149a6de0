//! Trunk's entry point.

fn main() {
    #[cfg(target_arch = "wasm32")]
    surligneur::start();
}
