use super::*;

fn map(headers: &[&str]) -> Vec<(Field, &'static str)> {
    map_with(headers, &[])
}

fn map_with(headers: &[&str], overrides: &[&str]) -> Vec<(Field, &'static str)> {
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let overrides: Vec<MapOverride> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    let m = decide(&headers, &overrides).unwrap();
    m.fields
        .iter()
        .map(|f| {
            let h: &'static str = Box::leak(f.header.clone().into_boxed_str());
            (f.field, h)
        })
        .collect()
}

#[test]
fn french_school_file() {
    let m = map(&[
        "N° billet",
        "Nom",
        "Prénom",
        "Établissement",
        "Classe",
        "Courriel",
    ]);
    assert_eq!(
        m,
        [
            (Field::Ticket, "N° billet"),
            (Field::GivenName, "Prénom"),
            (Field::FamilyName, "Nom"),
            (Field::Email, "Courriel"),
            (Field::Organisation, "Établissement"),
        ]
    );
}

#[test]
fn english_and_single_name_columns() {
    let m = map(&["First name", "Last name", "Email", "Organisation", "Ticket"]);
    assert_eq!(m.len(), 5);
    assert_eq!(
        map(&["Name", "E-mail"]),
        [(Field::FullName, "Name"), (Field::Email, "E-mail")]
    );
    assert_eq!(
        map(&["Nom complet", "École"]).first(),
        Some(&(Field::FullName, "Nom complet"))
    );
    assert_eq!(map(&["Nom", "Ville"]), [(Field::FullName, "Nom")]);
    assert_eq!(
        map(&["Prénom et nom"]),
        [(Field::FullName, "Prénom et nom")]
    );
}

#[test]
fn google_forms() {
    let m = map(&["Horodateur", "Adresse e-mail", "Nom", "Prénom", "École"]);
    assert!(m.contains(&(Field::Email, "Adresse e-mail")));
    assert!(m.contains(&(Field::FamilyName, "Nom")));
    assert!(!m.iter().any(|(_, h)| *h == "Horodateur"));
}

#[test]
fn helloasso_participant_over_payer() {
    let m = map(&[
        "Référence commande",
        "Date de la commande",
        "Nom participant",
        "Prénom participant",
        "Nom payeur",
        "Prénom payeur",
        "Email payeur",
        "Numéro de billet",
        "Tarif",
    ]);
    assert_eq!(
        m,
        [
            (Field::Ticket, "Numéro de billet"),
            (Field::GivenName, "Prénom participant"),
            (Field::FamilyName, "Nom participant"),
            (Field::ContactEmail, "Email payeur"),
        ]
    );
}

#[test]
fn eventbrite_attendee_over_buyer() {
    let m = map(&[
        "Order #",
        "Order Date",
        "First Name",
        "Last Name",
        "Email",
        "Ticket Type",
        "Attendee #",
        "Barcode #",
        "Buyer First Name",
        "Buyer Last Name",
        "Buyer Email",
        "Company",
    ]);
    assert_eq!(
        m,
        [
            (Field::Ticket, "Barcode #"),
            (Field::GivenName, "First Name"),
            (Field::FamilyName, "Last Name"),
            (Field::Email, "Email"),
            (Field::ContactEmail, "Buyer Email"),
            (Field::Organisation, "Company"),
        ]
    );
}

#[test]
fn pretix_attendee_email_and_order_email() {
    let m = map(&[
        "Order code",
        "Position ID",
        "Email",
        "Product",
        "Attendee name",
        "Attendee name: Given name",
        "Attendee name: Family name",
        "Attendee email",
        "Company",
        "Secret",
    ]);
    assert_eq!(
        m,
        [
            (Field::Ticket, "Secret"),
            (Field::GivenName, "Attendee name: Given name"),
            (Field::FamilyName, "Attendee name: Family name"),
            (Field::Email, "Attendee email"),
            (Field::ContactEmail, "Email"),
            (Field::Organisation, "Company"),
        ]
    );
}

#[test]
fn overrides_win_and_unmap() {
    let m = map_with(
        &["Nom", "Prénom", "Mail perso", "Club"],
        &["email=mail PERSO", "organisation="],
    );
    assert_eq!(
        m,
        [
            (Field::GivenName, "Prénom"),
            (Field::FamilyName, "Nom"),
            (Field::Email, "Mail perso"),
        ]
    );
    let m = map_with(&["A", "B"], &["name=2"]);
    assert_eq!(m, [(Field::FullName, "B")]);
    let headers = vec!["A".to_string()];
    let bad: MapOverride = "email=Z".parse().unwrap();
    assert!(matches!(
        decide(&headers, &[bad]),
        Err(ImportError::UnknownColumn { .. })
    ));
    assert!("nope=A".parse::<MapOverride>().is_err());
    assert!("email".parse::<MapOverride>().is_err());
}

#[test]
fn unmapped_columns_are_extras_with_unique_names() {
    let headers: Vec<String> = ["Nom", "Classe", "", "Classe"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let m = decide(&headers, &[]).unwrap();
    let names: Vec<&str> = m.extras.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["Classe", "column 3", "Classe (2)"]);
}

#[test]
fn every_label_shown_to_people_is_accepted_by_map() {
    for lang in [Lang::Fr, Lang::En] {
        for field in Field::ALL {
            assert_eq!(
                field.label(lang).parse::<Field>().ok(),
                Some(field),
                "{lang:?}"
            );
            assert!(!field.label(lang).contains('_'), "{}", field.label(lang));
        }
    }
    assert_eq!(Field::GivenName.label(Lang::Fr), "Prénom");
    assert_eq!(Field::FamilyName.label(Lang::Fr), "Nom");
}
