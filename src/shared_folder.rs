//! The wrong way to share a pantry: a data folder on a network drive (SMB, NFS …) or in a
//! folder a cloud service syncs (Dropbox, OneDrive …). SQLite's locks do not hold across
//! computers there, and a sync service copies a database while it is being written, so two
//! laptops on one such folder would corrupt it. The laptop's database is never opened for
//! writing in one; the message names the way that works: the pantry's server. (Backups may
//! go anywhere: a backup is one finished file.)

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Folder names that the common sync services use for the folder they sync.
const SYNCED_NAMES: [&str; 9] = [
    "dropbox",
    "google drive",
    "googledrive",
    "my drive",
    "icloud drive",
    "iclouddrive",
    "mobile documents",
    "nextcloud",
    "owncloud",
];

/// Files a sync service leaves at the top of the folder it syncs.
const SYNC_MARKERS: [&str; 4] = [".dropbox", ".stfolder", ".sync", ".owncloudsync.log"];

/// File systems that reach another computer (Linux's names, as `/proc/self/mountinfo` has
/// them; a FUSE file system is named `fuse.` and its program).
const NETWORK_FILE_SYSTEMS: [&str; 16] = [
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "ncpfs",
    "afs",
    "ceph",
    "glusterfs",
    "9p",
    "davfs",
    "fuse.sshfs",
    "fuse.rclone",
    "fuse.gvfsd-fuse",
    "fuse.s3fs",
    "fuse.google-drive-ocamlfuse",
];

/// Refuses `data_dir` for the laptop's database when it is on a network drive or in a
/// synced folder, saying which and what to do instead.
pub(crate) fn refuse_shared(data_dir: &Path) -> Result<()> {
    let Some(why) = shared(data_dir) else {
        return Ok(());
    };
    Err(Error::Unavailable(format!(
        "Pantry will not keep its database in {} because it is {why}: two computers writing \
         one database file there corrupt it. Keep the data folder on this laptop, or share \
         one database between desks on the pantry's server (first-run screen: \"On the \
         pantry's server\"; or --database postgres://…). Backups may still go to that folder.",
        data_dir.display()
    )))
}

/// Why `dir` is shared, in words, or `None` for a folder on this computer alone.
fn shared(dir: &Path) -> Option<String> {
    let dir = existing(dir);
    if is_unc(&dir) {
        return Some("a network folder".into());
    }
    if let Some(service) = synced(&dir) {
        return Some(format!("a folder {service} syncs"));
    }
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    network_mount(&mounts, &dir).map(|fs| format!("on a network drive ({fs})"))
}

/// `dir` made absolute with its links resolved, as far as it exists (a data folder about to
/// be made is judged by the folder it will be made in).
fn existing(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let mut missing = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(found) = at.canonicalize() {
            return missing
                .iter()
                .rev()
                .fold(found, |path, part| path.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                at = parent;
            }
            _ => return absolute,
        }
    }
}

/// A Windows network path (`\\server\share\…`, also as `\\?\UNC\…`).
fn is_unc(dir: &Path) -> bool {
    let text = dir.to_string_lossy();
    text.starts_with(r"\\") && !text.starts_with(r"\\?\") && !text.starts_with(r"\\.\")
        || text.starts_with(r"\\?\UNC\")
}

/// The sync service whose folder holds `dir`, by the folder's name or the marker a service
/// leaves at its top.
fn synced(dir: &Path) -> Option<String> {
    for folder in dir.ancestors() {
        if let Some(Component::Normal(name)) = folder.components().next_back() {
            let name = name.to_string_lossy();
            let lower = name.to_lowercase();
            if SYNCED_NAMES.contains(&lower.as_str()) || lower.starts_with("onedrive") {
                return Some(name.into_owned());
            }
        }
        if let Some(marker) = SYNC_MARKERS.iter().find(|m| folder.join(m).exists()) {
            return Some(format!("a sync service (it has {marker})"));
        }
    }
    None
}

/// The network file system `dir` is on, from `/proc/self/mountinfo`'s text: the mount with
/// the longest mount point that holds `dir`.
fn network_mount(mountinfo: &str, dir: &Path) -> Option<String> {
    let (_, fs) = mountinfo
        .lines()
        .filter_map(|line| {
            let (mount, rest) = line.split_once(" - ")?;
            let point = unescape(mount.split(' ').nth(4)?);
            let fs = rest.split(' ').next()?;
            dir.starts_with(&point).then_some((point.len(), fs))
        })
        .max_by_key(|(len, _)| *len)?;
    NETWORK_FILE_SYSTEMS.contains(&fs).then(|| fs.to_owned())
}

/// A mount point as mountinfo writes it (space, tab, newline and backslash as octal escapes).
fn unescape(field: &str) -> String {
    field
        .replace(r"\040", " ")
        .replace(r"\011", "\t")
        .replace(r"\012", "\n")
        .replace(r"\134", "\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTS: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime - ext4 /dev/vda rw
90 27 0:50 / /mnt/pantry\\040share rw,relatime - cifs //nas/pantry rw,vers=3.0
91 90 0:51 / /mnt/pantry\\040share/local rw,relatime - ext4 /dev/sdb1 rw
92 27 0:52 / /home/sam/remote rw - fuse.sshfs sam@server: rw
93 27 0:53 / /srv/nfs rw - nfs4 server:/export rw
";

    #[test]
    fn a_folder_on_a_network_mount_is_named_by_its_file_system() {
        let on = |dir: &str| network_mount(MOUNTS, Path::new(dir));
        assert_eq!(on("/mnt/pantry share/Pantry"), Some("cifs".into()));
        assert_eq!(on("/home/sam/remote/pantry"), Some("fuse.sshfs".into()));
        assert_eq!(on("/srv/nfs"), Some("nfs4".into()));
        // The deepest mount decides: a local disk mounted inside a share is local.
        assert_eq!(on("/mnt/pantry share/local/Pantry"), None);
        assert_eq!(on("/home/sam/.local/share/pantry"), None);
        // A name that only starts like a mount point is not under it.
        assert_eq!(on("/srv/nfsish/pantry"), None);
    }

    #[test]
    fn windows_network_paths_are_shared_and_local_ones_are_not() {
        assert!(is_unc(Path::new(r"\\nas\pantry\data")));
        assert!(is_unc(Path::new(r"\\?\UNC\nas\pantry\data")));
        assert!(!is_unc(Path::new(r"\\?\C:\Users\sam\AppData")));
        assert!(!is_unc(Path::new("/home/sam/pantry")));
    }

    #[test]
    fn a_synced_folder_is_known_by_its_name_or_its_marker() {
        let home = tempfile::tempdir().unwrap();
        for name in ["Dropbox", "OneDrive - Hillside Housing", "Google Drive"] {
            let dir = home.path().join(name).join("Pantry");
            assert_eq!(synced(&dir), Some(name.to_owned()), "{name}");
        }
        let synced_by_marker = home.path().join("Shared");
        std::fs::create_dir_all(&synced_by_marker).unwrap();
        std::fs::write(synced_by_marker.join(".stfolder"), "").unwrap();
        assert!(synced(&synced_by_marker.join("Pantry"))
            .unwrap()
            .contains(".stfolder"));
        assert_eq!(synced(&home.path().join("Documents/Pantry")), None);
    }
}
