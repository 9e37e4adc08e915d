//! The words of each native confirmation ([`crate::native::Confirm`]), in English and French.
//! Each names what will happen and to what: the key, the file, the network, the addresses.

use result_vault_engine::wallets::PushPlan;

use crate::native::{Confirm, Native};

/// Before a private key is written to a file.
pub fn export_private(n: &Native, key_label: &str, path: &str) -> Confirm {
    Confirm {
        title: n.text("Export a private key?", "Exporter une clé privée ?"),
        message: if n.french() {
            format!(
                "La clé privée « {key_label} » sera écrite, non chiffrée, dans :\n{path}\n\nToute personne qui a ce fichier peut ouvrir chaque résultat chiffré pour cette clé."
            )
        } else {
            format!(
                "The private key \"{key_label}\" will be written, unencrypted, to:\n{path}\n\nAnyone who has this file can open every result encrypted for this key."
            )
        },
        ok: n.text("Export", "Exporter"),
    }
}

/// Before a recovery kit is written (its 24 words are shown next).
pub fn write_kit(n: &Native, key_count: usize, path: &str) -> Confirm {
    Confirm {
        title: n.text("Write a recovery kit?", "Écrire un kit de récupération ?"),
        message: if n.french() {
            format!(
                "Un kit de récupération de {key_count} clé(s) sera écrit dans :\n{path}\n\nL'écran suivant montre ses 24 mots. Le kit et les mots ensemble ouvrent vos résultats : gardez-les séparément."
            )
        } else {
            format!(
                "A recovery kit of {key_count} key(s) will be written to:\n{path}\n\nThe next screen shows its 24 words. The kit and the words together open your results: keep them apart."
            )
        },
        ok: n.text("Write the kit", "Écrire le kit"),
    }
}

/// Before a key that is not the one last pushed from this vault goes to an SMS.
pub fn push(n: &Native, p: &PushPlan) -> Confirm {
    let short = |f: &str| f.get(..16).unwrap_or(f).to_owned();
    let key = format!("{} ({}…)", p.key_label, short(&p.key_fingerprint));
    let message = match (&p.previous_label, n.french()) {
        (Some(prev), false) => format!(
            "Result Vault will push the key {key} to the SMS of {} for {}, in place of \"{prev}\".\n\nResults of tasks that start after this will be encrypted for the new key only.",
            p.network, p.address
        ),
        (None, false) => format!(
            "Result Vault will push the key {key} to the SMS of {} for {}.\n\nResults of tasks that start after this will be encrypted for this key, in place of any key set before.",
            p.network, p.address
        ),
        (Some(prev), true) => format!(
            "Result Vault va envoyer la clé {key} au SMS de {} pour {}, à la place de « {prev} ».\n\nLes résultats des tâches qui démarrent ensuite seront chiffrés pour la nouvelle clé seulement.",
            p.network, p.address
        ),
        (None, true) => format!(
            "Result Vault va envoyer la clé {key} au SMS de {} pour {}.\n\nLes résultats des tâches qui démarrent ensuite seront chiffrés pour cette clé, à la place de toute clé définie avant.",
            p.network, p.address
        ),
    };
    Confirm {
        title: n.text("Push a key to the SMS?", "Envoyer une clé au SMS ?"),
        message,
        ok: n.text("Push", "Envoyer"),
    }
}

/// Before a network's addresses change (`changes`: what, before, after).
pub fn network_change(n: &Native, name: &str, changes: &[(String, String, String)]) -> Confirm {
    let lines: Vec<String> = changes.iter().map(|(what, a, b)| format!("{what}: {a} → {b}")).collect();
    Confirm {
        title: n.text("Change a network's addresses?", "Changer les adresses d'un réseau ?"),
        message: if n.french() {
            format!(
                "Le réseau {name} changera :\n{}\n\nCes adresses décident où vos clés sont envoyées et d'où viennent vos résultats.",
                lines.join("\n")
            )
        } else {
            format!(
                "The network {name} will change:\n{}\n\nThese addresses decide where your keys are pushed and where your results come from.",
                lines.join("\n")
            )
        },
        ok: n.text("Change", "Changer"),
    }
}

/// Before a key ring that cannot be opened (`why`) is set aside for a restore.
pub fn set_aside(n: &Native, why: &result_vault_engine::Error) -> Confirm {
    Confirm {
        title: n.text("Set the current key ring aside?", "Mettre de côté le trousseau actuel ?"),
        message: if n.french() {
            format!(
                "Le trousseau de clés de cet ordinateur ne s'ouvre pas : {}\n\nIl sera gardé à côté (keyring.set-aside-<date>, jamais effacé) et le kit sera restauré dans un nouveau trousseau. Si vous avez seulement mal tapé la phrase de passe, annulez et réessayez.",
                why.message
            )
        } else {
            format!(
                "The key ring on this computer does not open: {}\n\nIt will be kept beside the new one (keyring.set-aside-<date>, never deleted) and the kit restored into a new ring. If you only mistyped the passphrase, cancel and try again.",
                why.message
            )
        },
        ok: n.text("Set aside and restore", "Mettre de côté et restaurer"),
    }
}

/// Before the decrypted files of a result are deleted (`archive`: its archive too).
pub fn delete_result(n: &Native, what: &str, output: &str, archive: bool) -> Confirm {
    let message = match (n.french(), archive) {
        (false, false) => format!("The decrypted files of {what} will be deleted:\n{output}\n\nThe encrypted archive is kept: you can open it again."),
        (false, true) => format!("The decrypted files of {what} and its encrypted archive will be deleted:\n{output}\n\nThis cannot be undone."),
        (true, false) => format!("Les fichiers déchiffrés de {what} seront supprimés :\n{output}\n\nL'archive chiffrée est gardée : vous pourrez la rouvrir."),
        (true, true) => format!("Les fichiers déchiffrés de {what} et son archive chiffrée seront supprimés :\n{output}\n\nC'est définitif."),
    };
    Confirm {
        title: n.text("Delete this result?", "Supprimer ce résultat ?"),
        message,
        ok: n.text("Delete", "Supprimer"),
    }
}

/// Before a set-aside key ring is reopened (the current one set aside in its turn).
pub fn reopen_set_aside(n: &Native, name: &str) -> Confirm {
    Confirm {
        title: n.text("Reopen a key ring set aside?", "Rouvrir un trousseau mis de côté ?"),
        message: if n.french() {
            format!("Le trousseau {name} redeviendra celui de Result Vault. Le trousseau actuel sera mis de côté à son tour (jamais effacé). Vous devrez ouvrir le trousseau rouvert (sa phrase de passe, ou le trousseau du système).")
        } else {
            format!("The key ring {name} becomes Result Vault's key ring again. The current one is set aside in its turn (never deleted). You then open the reopened ring (its passphrase, or the system keychain).")
        },
        ok: n.text("Reopen", "Rouvrir"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_name_what_happens_in_both_languages() {
        let n = Native::default();
        let c = export_private(&n, "work key", "/home/u/k.pem");
        assert!(c.message.contains("work key") && c.message.contains("/home/u/k.pem"), "{}", c.message);
        n.set_language("fr-FR");
        let c = export_private(&n, "work key", "/home/u/k.pem");
        assert!(c.message.contains("clé privée") && c.message.contains("/home/u/k.pem"), "{}", c.message);
        let plan = PushPlan {
            network: "Arbitrum".into(),
            address: "0xAb".into(),
            key_label: "new".into(),
            key_fingerprint: "ab".repeat(32),
            previous_label: Some("old".into()),
            repeat: false,
        };
        n.set_language("en");
        let c = push(&n, &plan);
        assert!(c.message.contains("\"old\"") && c.message.contains("Arbitrum") && c.message.contains("0xAb"));
        let c = network_change(&n, "mynet", &[("RPC".into(), "https://a".into(), "https://b".into())]);
        assert!(c.message.contains("RPC: https://a → https://b"));
    }
}
