//! Fresh-process json::read, then again (not committed).
use std::time::Instant;
fn main() {
    for _ in 0..3 {
        let t = Instant::now();
        let (d, _) = pledge_explorer::io::json::read(std::path::Path::new("/tmp/big.json"), None).unwrap();
        eprint!("read {:.0} ms  ", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        drop(d);
        if std::env::args().nth(1).as_deref() == Some("trim") {
            pledge_explorer::allocator::give_back_free_memory();
        }
        eprintln!("drop {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    }
}
