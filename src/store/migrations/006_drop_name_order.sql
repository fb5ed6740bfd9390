-- The desk's first page (Store::attendee_page) sorts the table instead: about 40 ms for
-- 100,000 attendees, once per desk start. Keeping the index cost every 100,000-row import a
-- 170-250 ms sort, and every walk-in an index insert.
DROP INDEX attendees_name_order;
