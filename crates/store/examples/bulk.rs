use stackdex_store::*;
use std::time::Instant;
#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::connect(&format!("sqlite://{}/b.db", dir.path().display())).await.unwrap();
    s.migrate().await.unwrap();
    for n in [1000usize, 5000, 20000] {
        let users: Vec<NewUser> = (0..n)
            .map(|i| NewUser {
                username: format!("u{n}_{i}"),
                display_name: "x".into(),
                title: String::new(),
                password_hash: None,
                created_at: 0,
            })
            .collect();
        let t = Instant::now();
        s.create_users(&users).await.unwrap();
        println!("{n} users: {:?}", t.elapsed());
    }
}
