//! A desk chooses the pantry's server, as the first-run screen does: the server is tried
//! before anything is kept; it is kept without its password in the data folder (the password
//! goes to the key store) and the command line in that folder then uses it; a wrong password
//! or a server that does not answer is told with nothing kept; and only a pantry not set up
//! yet may choose.
#![allow(clippy::unwrap_used)]

mod common;

use pantry::db::choice::{self, ServerForm};
use pantry::Error;

/// The form a volunteer fills for the database at `url` (`postgres://user:pw@host:port/db`).
fn form_for(url: &str) -> ServerForm {
    let rest = url.strip_prefix("postgres://").unwrap();
    let (who, place) = rest.split_once('@').unwrap();
    let (user, password) = who.split_once(':').unwrap();
    let (host_port, database) = place.split_once('/').unwrap();
    let (host, port) = host_port.rsplit_once(':').unwrap();
    ServerForm {
        host: host.into(),
        port: port.into(),
        database: database.into(),
        user: user.into(),
        password: password.into(),
        ca_file: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chosen_server_is_kept_without_its_password_and_the_command_line_uses_it() {
    // A pantry on the server (a demo, made on a laptop and copied there).
    let laptop = tempfile::tempdir().unwrap();
    let made = common::pantry(
        laptop.path(),
        &["demo-data", "--households", "40", "--weeks", "2"],
    );
    assert!(made.status.success(), "{}", common::stderr(&made));
    let database = common::server::migrated_database().await;
    let copied = common::pantry(laptop.path(), &["copy-to-server", "--to", &database.owner]);
    assert!(copied.status.success(), "{}", common::stderr(&copied));

    let desk = tempfile::tempdir().unwrap();
    let keys = common::keys();
    let good = form_for(&database.app);

    // A wrong password: told, and nothing kept.
    let wrong = ServerForm {
        password: "not-the-password".into(),
        ..good.clone()
    };
    let refused = choice::choose_server(desk.path(), keys, &wrong)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("password was not accepted"),
        "{refused}"
    );
    assert!(!refused.to_string().contains("not-the-password"));
    assert!(!desk.path().join("server.json").exists());
    assert_eq!(keys.server_password(desk.path()).unwrap(), None);

    // The right one: tried, then kept.
    let check = choice::choose_server(desk.path(), keys, &good)
        .await
        .unwrap();
    assert_eq!(
        check.shown,
        format!(
            "postgres://pantry_app@{}:{}/{}",
            good.host, good.port, good.database
        )
    );
    assert!(!check.encrypted, "a server on this computer needs no TLS");
    let kept = std::fs::read_to_string(desk.path().join("server.json")).unwrap();
    assert!(kept.contains(&good.database), "{kept}");
    assert!(!kept.contains(&good.password), "{kept}");
    assert_eq!(
        keys.server_password(desk.path()).unwrap().as_deref(),
        Some(good.password.as_str())
    );
    // No password in any file of the data folder.
    for entry in std::fs::read_dir(desk.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(!common::holds(&bytes, good.password.as_bytes()));
    }

    // The command line in that data folder works on the server: its backup holds the
    // server's 40 households.
    let backed_up = common::pantry(desk.path(), &["backup"]);
    assert!(backed_up.status.success(), "{}", common::stderr(&backed_up));
    let backups: Vec<_> = std::fs::read_dir(desk.path().join("backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
    assert!(
        !desk.path().join("pantry.sqlite3").exists(),
        "no laptop database was made"
    );

    // Forgotten whole: the next command is on the laptop's own (new, empty) database.
    choice::forget_failed_server(desk.path(), keys, true).unwrap();
    assert!(!desk.path().join("server.json").exists());
    assert_eq!(keys.server_password(desk.path()).unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_does_not_answer_is_told_within_three_seconds_and_nothing_is_kept() {
    let desk = tempfile::tempdir().unwrap();
    let ca = desk.path().join("ca.crt");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").unwrap();
    let form = ServerForm {
        host: "10.255.255.1".into(),
        port: "5432".into(),
        database: "pantry".into(),
        user: "pantry_app".into(),
        password: "secret-for-nobody".into(),
        ca_file: ca.display().to_string(),
    };
    let asked = std::time::Instant::now();
    let refused = choice::choose_server(desk.path(), common::keys(), &form)
        .await
        .unwrap_err();
    assert!(asked.elapsed() < std::time::Duration::from_millis(3500));
    assert!(matches!(refused, Error::Unavailable(_)), "{refused:?}");
    assert!(!refused.to_string().contains("secret-for-nobody"));
    assert!(!desk.path().join("server.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_pantry_not_set_up_yet_may_choose_a_server() {
    let (_dir, db) = common::fresh_db().await;
    pantry::app::may_choose_server(&db).await.unwrap();
    pantry::settings::save(&db, &common::hillside_form(), &common::admin())
        .await
        .unwrap();
    let refused = pantry::app::may_choose_server(&db).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden(_)), "{refused:?}");
    db.close().await;
    let (_dir, server) = common::fresh_db_on(pantry::db::Engine::Postgres).await;
    let refused = pantry::app::may_choose_server(&server).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden(_)), "{refused:?}");
}
