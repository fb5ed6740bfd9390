-- The desk's alphabetical roster (Store::attendee_page): its first page is read through this
-- index before the whole roster is loaded, instead of sorting the whole table at start-up.
CREATE INDEX attendees_name_order ON attendees(family_name COLLATE NOCASE, given_name COLLATE NOCASE, id);
