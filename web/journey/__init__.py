"""The review request journey as it is asked on a page: one form per step (`forms`), the check
answers page's summary (`answers_summary`) and what an upload page needs before it lets the
person go on (`uploads`). Shared by the public journey (portal.journey) and by staff entering a
request that came by post or email (staff.intake), so that both ask the same questions with the
same checks; the rules about which step comes next are the domain's (reviews.journey)."""
