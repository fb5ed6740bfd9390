# badgedesk: the desk (TUI) messages, English.
loading = Loading the roster…
loading-progress = Indexing { $done } / { $total } people…
loading-failed = Could not open the event: { $error }
search-label = Search
search-placeholder = name, e-mail, school or ticket — Enter ticks
col-name = Name
col-org = School / organisation
col-ticket = Ticket
matches = { $count ->
    [one] one person
   *[other] { $count } people
}
fuzzy-note = no exact match: closest names
no-results = Nobody matches “{ $query }”. F2 adds a walk-in.
detail-title = Details
field-given = Given name
field-family = Family name
field-email = E-mail
field-contact = Contact
field-org = Organisation
field-ticket = Ticket
field-source = Imported from
field-walk-in = Walk-in added at the desk
history-title = Check-ins
history-empty = No check-in yet.
history-loading = Loading history…
history-tick = { $time } ✔ { $activity } ({ $actor })
history-undo = { $time } ↶ { $activity } undone ({ $actor })
badges-title = Badges
activity = Activity: { $name }
no-activity = no activity configured
counts-activity = { $checked }/{ $total } here
counts-overall = { $checked }/{ $total } present
filter-all = all
filter-in = checked in
filter-out = not yet
filter = Show: { $name }
saving = saving…
flash-ticked = ✔ { $name } — checked in ({ $activity })
flash-scanned = ✔ { $name } — scanned and checked in ({ $activity })
flash-already = { $name } is already checked in at { $time }
flash-undone = Undone: { $name } ({ $activity })
flash-nothing-to-undo = Nothing to undo.
flash-undo-failed = Undo NOT saved: { $error }
flash-saving = Saving { $name }…
flash-scan-unknown = Unknown code “{ $code }”: no ticket has this number.
flash-db-error = { $name } NOT checked in: { $error }
flash-no-activity = No activity in event.toml: add one to tick people.
flash-no-selection = Nobody selected.
flash-walk-in = { $name } added and checked in ({ $activity })
flash-imported = Import done: { $added } added, { $updated } updated.
help-title = Keys
help-close = Esc or F1 closes this help
key-tick = check in the selected person
key-undo = undo the last check-in
key-next-activity = next activity
key-pick-activity = choose the activity
key-filter = filter: all / checked in / not yet
key-walk-in = add a walk-in
key-import = import a CSV file
key-help = this help
key-quit = quit
key-move = move the selection
key-page = page up / down
key-clear = clear the search
key-field = next / previous field
key-save = save
key-cancel = cancel
key-choose = choose
key-mapping = change the column's field
key-confirm = import
picker-title = Current activity
walk-in-title = Walk-in
walk-in-given = Given name
walk-in-family = Family name
walk-in-email = E-mail (optional)
walk-in-org = Organisation (optional)
walk-in-need-name = A given name or a family name is needed.
import-title = Import attendees
import-path = CSV file
import-files = CSV files in the event folder
import-no-files = No CSV file in the event folder.
import-reading = Reading { $file }…
import-encoding = Encoding: { $encoding }   Separator: { $separator }
import-mapping = Columns (↑↓ choose, ←→ change the field)
import-column = { $header } → { $field }
import-ignored = (ignored)
import-plan = { $add } to add · { $update } to update · { $skip } to skip
import-problems = { $count ->
    [one] one problem row
   *[other] { $count } problem rows
}
import-problem = line { $line }: { $reason }
import-confirm = Enter imports (nothing is written before), Esc cancels.
import-running = Importing…
import-failed = Import failed: { $error }
import-unavailable = The import module is not available in this build.
hint-tick = tick
hint-undo = undo
hint-walk-in = walk-in
hint-pick-activity = activity
hint-filter = filter
hint-help = help
hint-quit = quit
badges-loading = Loading badges…
badges-signing = Signing…
badges-none = No badge yet. F6 issues what they earned, F7 chooses one.
badge-issued = issued { $time }
badge-claimed = claimed { $time }
badge-unclaimed = not claimed
badge-revoked = revoked { $time }: { $reason }
key-issue = issue the badges they earned, show the claim QR
key-issue-pick = choose one badge to issue (manual ones too)
key-print = print their claim card (PDF, event folder)
key-revoke = revoke one of their badges
key-issue-screen = issue screen: everyone’s badges, at closing
key-issue-this = issue this badge
key-other-badge = other badge
key-close = close
key-issue-confirm = confirm / close
key-print-issued = print the claim cards just issued
key-issue-stop = cancel / close
key-revoke-confirm = revoke
hint-issue = badges
blocked-no-identity = no recipient identity: no e-mail, and names_in_badges = false
issue-passphrase-hint = quit and start the desk again to type the key's passphrase (or set BADGEDESK_KEY_PASSPHRASE)
issue-no-achievements = No badge in event.toml: add [[achievements]] to issue badges.
issue-nothing-earned = { $name } has not earned a badge yet; F7 chooses one to issue by hand.
issue-busy = Still signing the previous badge; one moment.
issue-signing = Signing the badges of { $name }…
issue-done = { $count ->
    [0] { $name } already holds these badges: here is the claim card.
    [one] ✔ One badge issued to { $name }.
   *[other] ✔ { $count } badges issued to { $name }.
}
issue-failed = Badge NOT issued to { $name }: { $error }
print-no-base-url = No claim address in event.toml ([claim] base_url): claim cards need one.
print-nothing = No live badge to print.
print-running = Printing the claim card of { $name }…
print-done = { $count ->
    [one] Claim card of { $name } written: { $path }
   *[other] { $count } claim cards of { $name } written: { $path }
}
print-failed = Printing failed: { $error }
repair-done = { $count ->
    [one] Files of one badge were missing or incomplete (an earlier run was stopped): written again.
   *[other] Files of { $count } badges were missing or incomplete (an earlier run was stopped): written again.
}
repair-status-list = The status list lacked a revocation (an earlier run was stopped): written again.
repair-failed = The badge files could not be checked: { $error }
revoke-nothing = { $name } holds no badge to revoke.
revoke-title = Revoke a badge of { $name }
revoke-reason = Reason
revoke-need-reason = A reason is needed (it goes into the audit log).
revoke-running = Revoking…
revoke-warning = The badge stops being valid for everyone who checks it.
revoke-done = Badge of { $name } revoked.
revoke-already = That badge of { $name } was already revoked.
revoke-failed = Revocation failed: { $error }
card-title = Claim your badge
card-count = { $n } of { $total }
card-already = Issued earlier: the same badge, shown again.
card-scan = Scan with a phone camera to claim it:
card-too-small = The terminal is too small for the QR code; enlarge it, or give this link:
card-no-base-url = No QR code: event.toml has no claim address ([claim] base_url), so the badge is handed over as this file:
card-printed = Card written: { $path }
card-ready-in = ready in { $ms } ms
pick-title = Issue a badge to { $name }
pick-held = issued { $time }
pick-earned = earned
pick-manual = by hand
pick-by-hand = not earned: by hand
issue-title = Issue badges
issue-planning = Checking who earned what…
issue-plan-failed = Could not prepare the issue: { $error }
issue-close = Enter or Esc closes.
issue-col-badge = Badge
issue-col-new = to issue
issue-col-already = held
issue-col-blocked = blocked
issue-blocked-title = { $badge }: { $count ->
    [one] one person blocked
   *[other] { $count } people blocked
}
issue-blocked-more = … and { $count } more
issue-nothing = Nothing to issue: everyone already holds what they earned. Esc closes.
issue-confirm = { $count ->
    [one] Enter issues one badge now · Esc closes
   *[other] Enter issues { $count } badges now · Esc closes
}
issue-progress = Issuing: { $done } / { $total }
issue-rate = { $rate } per second · about { $left } left
issue-rate-unknown = Starting…
issue-cancel-hint = Esc stops after the current batch (what is done stays done).
issue-cancelling = Stopping after the current batch…
issue-summary-done = { $count ->
    [0] Done: no badge issued.
    [one] Done: one badge issued in { $time }.
   *[other] Done: { $count } badges issued in { $time }.
}
issue-summary-cancelled = { $count ->
    [0] Cancelled: no badge issued. Run it again to issue them.
    [one] Cancelled after one badge. Run it again to issue the rest.
   *[other] Cancelled after { $count } badges. Run it again to issue the rest.
}
issue-summary-error = Stopped by an error: { $error }
issue-summary-skipped = { $count ->
    [one] One was issued elsewhere meanwhile (not issued twice).
   *[other] { $count } were issued elsewhere meanwhile (not issued twice).
}
issue-summary-blocked = { $count ->
    [one] One person was blocked (see the preview).
   *[other] { $count } people were blocked (see the preview).
}
issue-summary-issued = { $count ->
    [one] Issue finished: one badge issued.
   *[other] Issue finished: { $count } badges issued.
}
issue-print-offer = { $count ->
    [one] P prints its claim card (PDF in the event folder).
   *[other] P prints the { $count } claim cards just issued (PDF in the event folder).
}
issue-printing = Writing the claim cards…
issue-printed = { $count ->
    [one] One claim card written: { $path }
   *[other] { $count } claim cards written: { $path }
}

# Several desks (the hub)
history-tick-desk = { $time } ✔ { $activity } ({ $actor }, desk { $desk })
history-undo-desk = { $time } ↶ { $activity } undone ({ $actor }, desk { $desk })
hub-connecting = hub: connecting…
hub-online = hub ✔ { $secs } s ago
hub-online-min = hub ✔ { $mins } min ago
hub-offline = hub offline since { $time }
hub-to-send = { $count } to send
hub-skew = ⚠ clock off by { $mins } min
hub-unusable = The hub cannot be used, this desk works alone: { $error }
hub-other-desk = another desk
hub-double-tick = { $name } — already ticked at { $desk }, { $time }
issue-requested = { $count ->
    [one] { $name }: the badge was asked of the issuing desk; the claim card shows here when it arrives.
   *[other] { $name }: { $count } badges were asked of the issuing desk; the claim cards show here when they arrive.
}
issue-arrived = { $count ->
    [one] ✔ { $name }'s badge came from the issuing desk.
   *[other] ✔ { $count } badges for { $name } came from the issuing desk.
}
issue-served = { $count ->
    [one] ✔ One badge asked for by another desk was issued here.
   *[other] ✔ { $count } badges asked for by other desks were issued here.
}
issue-serve-failed = Badges asked for by other desks NOT all issued: { $error }
card-waiting = Waiting for the issuing desk…
card-waiting-more = { $count ->
    [one] One more waiting for the issuing desk…
   *[other] { $count } more waiting for the issuing desk…
}
