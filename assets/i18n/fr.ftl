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
badges-later = Les badges émis et récupérés s’afficheront ici une fois les badges émis.
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
