//! What a header says: its role (participant, buyer/parent, neutral) and the kind of field it
//! holds, from French and English wording (Google Forms, HelloAsso, Eventbrite, pretix
//! included). Headers are folded and split into words, so case, accents and punctuation
//! ("N° billet", "E-mail", "Attendee #") do not matter.

use crate::text::fold;

/// Whose data a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Participant,
    Neutral,
    /// Buyer, order, payer, parent: never the attendee's name, their e-mail is a contact.
    Other,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Email,
    /// Lower rank wins.
    Ticket(u8),
    Org(u8),
    Given,
    Family,
    /// French "Nom" alone: family name next to a "Prénom" column, the whole name otherwise.
    Nom,
    Full,
}

fn has(tokens: &[&str], words: &[&str]) -> bool {
    tokens.iter().any(|t| words.contains(t))
}

/// The role and kind of a header; `None` for anything that is not an attendee field.
pub fn classify(header: &str) -> Option<(Role, Kind)> {
    let folded = fold(header).replace(['#', '°', 'º'], " no ");
    let t: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let t = t.as_slice();
    let role = if has(
        t,
        &[
            "payeur",
            "payeuse",
            "acheteur",
            "acheteuse",
            "buyer",
            "purchaser",
            "order",
            "commande",
            "billing",
            "facturation",
            "invoice",
            "parent",
            "parents",
            "responsable",
            "tuteur",
            "tutrice",
            "guardian",
        ],
    ) {
        Role::Other
    } else if has(
        t,
        &[
            "participant",
            "participante",
            "attendee",
            "inscrit",
            "inscrite",
            "holder",
            "titulaire",
            "beneficiaire",
        ],
    ) {
        Role::Participant
    } else {
        Role::Neutral
    };
    let number = &[
        "no",
        "n",
        "num",
        "numero",
        "number",
        "nr",
        "id",
        "code",
        "ref",
        "reference",
    ];
    let not_ticket = &[
        "type",
        "tarif",
        "formule",
        "categorie",
        "category",
        "price",
        "prix",
        "montant",
        "date",
        "statut",
        "status",
        "nombre",
        "quantity",
        "quantite",
        "telephone",
        "phone",
        "tel",
        "portable",
        "mobile",
        "postal",
    ];
    let not_org = &[
        "adresse",
        "address",
        "ville",
        "city",
        "postal",
        "telephone",
        "phone",
        "type",
        "pays",
        "country",
    ];
    let kind = if has(t, &["email", "mail", "courriel", "mel", "electronique"]) {
        Kind::Email
    } else if has(t, not_ticket) {
        return org_or_name(t, role, not_org);
    } else if has(t, &["barcode", "barre", "barres", "secret"]) {
        Kind::Ticket(1)
    } else if has(t, &["billet", "ticket", "tickets", "billets"]) {
        Kind::Ticket(if has(t, number) { 2 } else { 3 })
    } else if role == Role::Participant && has(t, number) && !has(t, &["name", "nom"]) {
        Kind::Ticket(4)
    } else if t.len() == 1 && has(t, number) {
        Kind::Ticket(5)
    } else {
        return org_or_name(t, role, not_org);
    };
    if role == Role::Other && matches!(kind, Kind::Ticket(_)) {
        return None;
    }
    Some((role, kind))
}

fn org_or_name(t: &[&str], role: Role, not_org: &[&str]) -> Option<(Role, Kind)> {
    let org = if has(t, not_org) {
        None
    } else if has(
        t,
        &[
            "etablissement",
            "ecole",
            "school",
            "organisation",
            "organization",
            "organisme",
            "company",
            "societe",
            "entreprise",
            "structure",
            "club",
            "association",
            "employer",
            "employeur",
            "institution",
            "affiliation",
            "college",
            "lycee",
            "universite",
            "university",
        ],
    ) {
        Some(Kind::Org(1))
    } else if has(t, &["raison"]) && has(t, &["sociale"]) {
        Some(Kind::Org(2))
    } else {
        None
    };
    if let Some(org) = org {
        return Some((role, org));
    }
    if role == Role::Other {
        return None;
    }
    let prenom = has(t, &["prenom", "prenoms"]);
    let nom = has(t, &["nom", "noms"]);
    let name = has(t, &["name", "names"]);
    let kind = if (prenom && nom)
        || (has(t, &["first"]) && has(t, &["last"]))
        || has(t, &["complet", "full", "fullname", "identite"])
    {
        Kind::Full
    } else if prenom
        || has(t, &["firstname", "forename", "givenname"])
        || (name && has(t, &["first", "given"]))
    {
        Kind::Given
    } else if has(t, &["lastname", "surname", "familyname"])
        || (name && has(t, &["last", "family"]))
        || (nom && has(t, &["famille", "naissance", "usage"]))
    {
        Kind::Family
    } else if nom {
        Kind::Nom
    } else if name {
        Kind::Full
    } else {
        return None;
    };
    Some((role, kind))
}
