use super::*;
use crate::import::{ImportOptions, read};

fn parse(text: &str) -> ParsedFile {
    read(text.as_bytes(), "t.csv", &ImportOptions::default()).unwrap()
}

fn stored(plan: &ImportPlan) -> Vec<Attendee> {
    plan.to_add
        .iter()
        .enumerate()
        .map(|(i, r)| Attendee {
            id: i as i64 + 1,
            ticket: r.ticket.clone(),
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            email: r.email.clone(),
            contact_email: r.contact_email.clone(),
            organisation: r.organisation.clone(),
            extra: r.extra.clone(),
            source: Some(r.source.clone()),
        })
        .collect()
}

const FILE: &str = "Billet;Nom;Prénom;Courriel;Classe\n\
T1;Morel;Timothée;famille.morel@ex.fr;3e\n\
T2;Morel;Nolwenn;famille.morel@ex.fr;CM1\n\
t1;MOREL;Timothee;famille.morel@ex.fr;3e\n\
;Martin;Léa;;CM2\n\
;Martin;Léa;;CM1\n\
;Martin;Léa;;CM2\n\
;Petit;Inès;ines@ex.fr;6e\n\
;Petit;Inès;INES@EX.FR;\n";

#[test]
fn duplicates_in_file_merge_and_siblings_stay() {
    let p = plan(parse(FILE), &[]);
    let names: Vec<String> = p.to_add.iter().map(|r| r.display_name()).collect();
    assert_eq!(
        names,
        [
            "Timothée Morel",
            "Nolwenn Morel",
            "Léa Martin",
            "Léa Martin",
            "Inès Petit"
        ]
    );
    let dups: Vec<(u64, u64, SameBy)> = p
        .duplicates_in_file
        .iter()
        .map(|d| (d.kept_line, d.dropped_line, d.by))
        .collect();
    assert_eq!(
        dups,
        [
            (2, 4, SameBy::Ticket),
            (5, 7, SameBy::IdenticalRow),
            (8, 9, SameBy::NameAndEmail)
        ]
    );
    assert!(p.problems.is_empty());
}

#[test]
fn reimport_is_a_no_op_and_changes_are_updates() {
    let first = plan(parse(FILE), &[]);
    let db = stored(&first);
    let again = plan(parse(FILE), &db);
    assert_eq!(
        (
            again.to_add.len(),
            again.to_update.len(),
            again.unchanged.len()
        ),
        (0, 0, 5)
    );

    let updated = FILE.replace(
        "T2;Morel;Nolwenn;famille.morel@ex.fr;CM1",
        "T2;Morel;Nolwenn;nolwenn@ex.fr;CM2",
    ) + "T9;N'Diaye;Awa;;5e\n";
    let p = plan(parse(&updated), &db);
    assert_eq!(p.to_add.len(), 1);
    assert_eq!(p.to_update.len(), 1);
    let u = &p.to_update[0];
    assert_eq!(u.attendee_id, 2);
    let fields: Vec<&str> = u.changed.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["email", "extra:Classe"]);
    assert_eq!(u.record.email.as_deref(), Some("nolwenn@ex.fr"));
}

#[test]
fn empty_cells_never_erase_and_ticket_can_arrive_later() {
    let first = plan(
        parse("Nom;Prénom;Courriel;Club\nCurie;Marie;m@ex.fr;Radium\n"),
        &[],
    );
    let db = stored(&first);
    let p = plan(
        parse("Billet;Nom;Prénom;Courriel;Club\nX-1;Curie;Marie;m@ex.fr;\n"),
        &db,
    );
    assert_eq!(p.to_update.len(), 1);
    let u = &p.to_update[0];
    assert_eq!(u.changed.len(), 1);
    assert_eq!(u.changed[0].field, "ticket");
    assert_eq!(u.record.organisation.as_deref(), Some("Radium"));
    // A single name column equal to the stored split name is not a change.
    let p = plan(parse("Name,Email\nMarie Curie,m@ex.fr\n"), &db);
    assert_eq!((p.to_update.len(), p.unchanged.len()), (0, 1));
}

#[test]
fn ticket_conflict_is_a_problem() {
    let p = plan(
        parse("Ticket,Name\nA1,Ada Lovelace\na1,Grace Hopper\n"),
        &[],
    );
    assert_eq!(p.to_add.len(), 1);
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].line, 3);
    assert_eq!(p.problems[0].position(), "t.csv:3:1");
}

#[test]
fn another_ticket_holder_is_never_taken_by_name() {
    let db = stored(&plan(
        parse("Ticket,Name,Email\nA1,Ada Lovelace,ada@x.org\n"),
        &[],
    ));
    let p = plan(parse("Ticket,Name,Email\nB2,Ada Lovelace,ada@x.org\n"), &db);
    assert_eq!((p.to_add.len(), p.to_update.len()), (1, 0));
}
