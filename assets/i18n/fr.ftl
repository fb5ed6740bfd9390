# badgedesk : messages du guichet (TUI), français. Espace fine insécable avant : ; ? ! et dans « ».
loading = Chargement de la liste…
loading-progress = Indexation de { $done } / { $total } personnes…
loading-failed = Impossible d’ouvrir l’évènement : { $error }
search-label = Recherche
search-placeholder = nom, e-mail, établissement ou billet — Entrée pointe
col-name = Nom
col-org = Établissement / organisme
col-ticket = Billet
matches = { $count ->
    [one] { $count } personne
   *[other] { $count } personnes
}
fuzzy-note = aucun résultat exact : noms les plus proches
no-results = Personne ne correspond à « { $query } ». F2 ajoute une personne sur place.
detail-title = Détails
field-given = Prénom
field-family = Nom
field-email = E-mail
field-contact = Contact
field-org = Organisme
field-ticket = Billet
field-source = Importé de
field-walk-in = Ajouté sur place au guichet
history-title = Pointages
history-empty = Pas encore pointé.
history-loading = Chargement de l’historique…
history-tick = { $time } ✔ { $activity } ({ $actor })
history-undo = { $time } ↶ { $activity } annulé ({ $actor })
badges-title = Badges
activity = Activité : { $name }
no-activity = aucune activité configurée
counts-activity = { $checked }/{ $total } ici
counts-overall = { $checked }/{ $total } présents
filter-all = tous
filter-in = pointés
filter-out = pas encore
filter = Afficher : { $name }
saving = enregistrement…
flash-ticked = ✔ { $name } — pointage enregistré ({ $activity })
flash-scanned = ✔ { $name } — billet scanné, pointage enregistré ({ $activity })
flash-already = Pointage de { $name } déjà fait à { $time }
flash-undone = Annulé : { $name } ({ $activity })
flash-nothing-to-undo = Rien à annuler.
flash-undo-failed = Annulation NON enregistrée : { $error }
flash-saving = Enregistrement de { $name }…
flash-scan-unknown = Code inconnu « { $code } » : aucun billet ne porte ce numéro.
flash-db-error = Pointage de { $name } NON enregistré : { $error }
flash-no-activity = Aucune activité dans event.toml : ajoutez-en une pour pointer.
flash-no-selection = Aucune personne sélectionnée.
flash-walk-in = { $name } : ajout et pointage enregistrés ({ $activity })
flash-imported = Import terminé : { $added ->
    [one] { $added } ajouté
   *[other] { $added } ajoutés
}, { $updated ->
    [one] { $updated } mis à jour
   *[other] { $updated } mis à jour
}.
help-title = Touches
help-close = Échap ou F1 ferme cette aide
key-tick = pointer la personne sélectionnée
key-undo = annuler le dernier pointage
key-next-activity = activité suivante
key-pick-activity = choisir l’activité
key-filter = filtre : tous / pointés / pas encore
key-walk-in = ajouter une personne sur place
key-import = importer un fichier CSV
key-help = cette aide
key-quit = quitter
key-move = déplacer la sélection
key-page = page précédente / suivante
key-clear = effacer la recherche
key-field = champ suivant / précédent
key-save = enregistrer
key-cancel = annuler
key-choose = choisir
key-mapping = changer le champ de la colonne
key-confirm = importer
picker-title = Activité en cours
walk-in-title = Personne sur place
walk-in-given = Prénom
walk-in-family = Nom
walk-in-email = E-mail (facultatif)
walk-in-org = Organisme (facultatif)
walk-in-need-name = Il faut un prénom ou un nom.
import-title = Importer des participants
import-path = Fichier CSV
import-files = Fichiers CSV du dossier de l’évènement
import-no-files = Aucun fichier CSV dans le dossier de l’évènement.
import-reading = Lecture de { $file }…
import-encoding = Encodage : { $encoding }   Séparateur : { $separator }
import-mapping = Colonnes (↑↓ choisir, ←→ changer le champ)
import-column = { $header } → { $field }
import-ignored = (ignorée)
import-plan = { $add } à ajouter · { $update } à mettre à jour · { $skip } à ignorer
import-problems = { $count ->
    [one] { $count } ligne en erreur
   *[other] { $count } lignes en erreur
}
import-problem = ligne { $line } : { $reason }
import-confirm = Entrée importe (rien n’est écrit avant), Échap annule.
import-running = Import en cours…
import-failed = Échec de l’import : { $error }
import-unavailable = Le module d’import n’est pas disponible dans cette version.
hint-tick = pointer
hint-undo = annuler
hint-walk-in = sur place
hint-pick-activity = activité
hint-filter = filtre
hint-help = aide
hint-quit = quitter
badges-loading = Chargement des badges…
badges-signing = Signature en cours…
badges-none = Aucun badge pour l’instant. F6 émet ceux qui sont mérités, F7 en choisit un.
badge-issued = émis { $time }
badge-claimed = récupéré { $time }
badge-unclaimed = non récupéré
badge-revoked = révoqué { $time } : { $reason }
key-issue = émettre ses badges mérités, afficher le QR code
key-issue-pick = choisir un badge à émettre (manuels compris)
key-print = imprimer sa carte de récupération (PDF)
key-revoke = révoquer un de ses badges
key-issue-screen = écran d’émission : tous les badges, à la clôture
key-issue-this = émettre ce badge
key-other-badge = autre badge
key-close = fermer
key-issue-confirm = confirmer / fermer
key-print-issued = imprimer les cartes des badges émis
key-issue-stop = annuler / fermer
key-revoke-confirm = révoquer
hint-issue = badges
blocked-no-identity = pas d’identité du titulaire : ni e-mail, ni nom (names_in_badges = false)
issue-passphrase-hint = quittez et relancez le guichet pour taper la phrase secrète de la clé (ou définissez BADGEDESK_KEY_PASSPHRASE)
issue-no-achievements = Aucun badge dans event.toml : ajoutez des [[achievements]] pour émettre.
issue-nothing-earned = { $name } n’a encore mérité aucun badge ; F7 en choisit un à émettre à la main.
issue-busy = Signature du badge précédent en cours, un instant.
issue-signing = Signature des badges de { $name }…
issue-done = { $count ->
    [0] { $name } a déjà ces badges : voici la carte de récupération.
    [one] ✔ Un badge émis pour { $name }.
   *[other] ✔ { $count } badges émis pour { $name }.
}
issue-failed = Badge NON émis pour { $name } : { $error }
print-no-base-url = Pas d’adresse de récupération dans event.toml ([claim] base_url) : les cartes en ont besoin.
print-nothing = Aucun badge valide à imprimer.
print-running = Impression de la carte de { $name }…
print-done = { $count ->
    [one] Carte de { $name } enregistrée : { $path }
   *[other] { $count } cartes de { $name } enregistrées : { $path }
}
print-failed = Échec de l’impression : { $error }
repair-done = { $count ->
    [one] Les fichiers d’un badge manquaient ou étaient incomplets (arrêt en cours de route) : réécrits.
   *[other] Les fichiers de { $count } badges manquaient ou étaient incomplets (arrêt en cours de route) : réécrits.
}
repair-status-list = La liste de statut ne disait pas une révocation (arrêt en cours de route) : réécrite.
repair-failed = Les fichiers des badges n’ont pas pu être vérifiés : { $error }
revoke-nothing = { $name } n’a aucun badge à révoquer.
revoke-title = Révoquer un badge de { $name }
revoke-reason = Motif
revoke-need-reason = Il faut un motif (il est inscrit au journal).
revoke-running = Révocation en cours…
revoke-warning = Le badge cessera d’être valide pour quiconque le vérifie.
revoke-done = Badge de { $name } révoqué.
revoke-already = Ce badge de { $name } était déjà révoqué.
revoke-failed = Échec de la révocation : { $error }
card-title = Récupérez votre badge
card-count = { $n } sur { $total }
card-already = Émis plus tôt : le même badge, affiché à nouveau.
card-scan = Scannez avec l’appareil photo d’un téléphone pour le récupérer :
card-too-small = Le terminal est trop petit pour le QR code ; agrandissez-le, ou donnez ce lien :
card-no-base-url = Pas de QR code : event.toml n’a pas d’adresse de récupération ([claim] base_url), le badge se remet sous forme de ce fichier :
card-printed = Carte enregistrée : { $path }
card-ready-in = prêt en { $ms } ms
pick-title = Émettre un badge pour { $name }
pick-held = émis à { $time }
pick-earned = mérité
pick-manual = à la main
pick-by-hand = non mérité : à la main
issue-title = Émission des badges
issue-planning = Calcul de qui a mérité quoi…
issue-plan-failed = Impossible de préparer l’émission : { $error }
issue-close = Entrée ou Échap ferme.
issue-col-badge = Badge
issue-col-new = à émettre
issue-col-already = déjà émis
issue-col-blocked = bloqués
issue-blocked-title = { $badge } : { $count ->
    [one] { $count } personne bloquée
   *[other] { $count } personnes bloquées
}
issue-blocked-more = … et { $count } de plus
issue-nothing = Rien à émettre : chacun a déjà ce qu’il a mérité. Échap ferme.
issue-confirm = { $count ->
    [one] Entrée émet { $count } badge maintenant · Échap ferme
   *[other] Entrée émet { $count } badges maintenant · Échap ferme
}
issue-progress = Émission : { $done } / { $total }
issue-rate = { $rate } par seconde · encore { $left } environ
issue-rate-unknown = Démarrage…
issue-cancel-hint = Échap arrête après le lot en cours (ce qui est fait reste fait).
issue-cancelling = Arrêt après le lot en cours…
issue-summary-done = { $count ->
    [0] Terminé : aucun badge émis.
    [one] Terminé : { $count } badge émis en { $time }.
   *[other] Terminé : { $count } badges émis en { $time }.
}
issue-summary-cancelled = { $count ->
    [0] Annulé : aucun badge émis. Relancez pour les émettre.
    [one] Annulé après { $count } badge. Relancez pour émettre le reste.
   *[other] Annulé après { $count } badges. Relancez pour émettre le reste.
}
issue-summary-error = Arrêté par une erreur : { $error }
issue-summary-skipped = { $count ->
    [one] { $count } badge émis ailleurs entre-temps (pas émis deux fois).
   *[other] { $count } badges émis ailleurs entre-temps (pas émis deux fois).
}
issue-summary-blocked = { $count ->
    [one] { $count } personne bloquée (voir l’aperçu).
   *[other] { $count } personnes bloquées (voir l’aperçu).
}
issue-summary-issued = { $count ->
    [one] Émission terminée : { $count } badge émis.
   *[other] Émission terminée : { $count } badges émis.
}
issue-print-offer = { $count ->
    [one] P imprime sa carte de récupération (PDF dans le dossier de l’évènement).
   *[other] P imprime les { $count } cartes de récupération (PDF dans le dossier de l’évènement).
}
issue-printing = Écriture des cartes de récupération…
issue-printed = { $count ->
    [one] { $count } carte enregistrée : { $path }
   *[other] { $count } cartes enregistrées : { $path }
}

# Plusieurs postes (le hub)
history-tick-desk = { $time } ✔ { $activity } ({ $actor }, poste { $desk })
history-undo-desk = { $time } ↶ { $activity } annulé ({ $actor }, poste { $desk })
hub-connecting = hub : connexion…
hub-online = hub ✔ il y a { $secs } s
hub-online-min = hub ✔ il y a { $mins } min
hub-offline = hub hors ligne depuis { $time }
hub-to-send = { $count } à envoyer
hub-skew = ⚠ horloge décalée de { $mins } min
hub-unusable = Hub inutilisable, ce poste travaille seul : { $error }
hub-other-desk = un autre poste
hub-double-tick = { $name } — déjà enregistré·e à { $desk }, { $time }
issue-requested = { $count ->
    [one] { $name } : badge demandé au poste qui signe ; sa carte s’affichera ici à son arrivée.
   *[other] { $name } : { $count } badges demandés au poste qui signe ; leurs cartes s’afficheront ici à leur arrivée.
}
issue-arrived = { $count ->
    [one] ✔ Le badge de { $name } est arrivé du poste qui signe.
   *[other] ✔ { $count } badges de { $name } sont arrivés du poste qui signe.
}
issue-served = { $count ->
    [one] ✔ Un badge demandé par un autre poste a été émis ici.
   *[other] ✔ { $count } badges demandés par d’autres postes ont été émis ici.
}
issue-serve-failed = Badges demandés par d’autres postes PAS tous émis : { $error }
card-waiting = En attente du poste qui signe…
card-waiting-more = { $count ->
    [one] Encore un en attente du poste qui signe…
   *[other] Encore { $count } en attente du poste qui signe…
}
