"""The wording each letter shipped with: version 1 of every letter kind's wording
(reviews.letter_templates explains the form). Migration 0020 stores a copy of it; team leaders
change the wording from then on by saving new versions, not by editing this."""

from __future__ import annotations

_CONTACT = """\
## Contact us

Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, \
London SE1 0LL. If you need to speak to us because of a disability or other need, call \
020 7983 4000. Please give your reference, {reference}."""

_FOLLOW_ONLINE = """\
## Follow your request online

Go to {track_url} and enter your reference, {reference}, and your surname. You can read our \
letters there too."""

_THINK_WE_ARE_WRONG = """\
## If you think we are wrong

Contact us as soon as you can. Tell us why, and give your reference."""

SHIPPED_WORDING: dict[str, str] = {
    "acknowledgement": """\
Thank you for asking us to review the outcome of {the_complaint} about the Metropolitan \
Police Service (the Met).

We received your request on {received_on}.

## What happens next

- We will ask the Met for its records about the complaint. We may share what you told us with \
the Met.
- We will check that we are the right organisation to review it. If the Independent Office \
for Police Conduct (IOPC) should do the review, we will send your request to the IOPC. We will \
tell you if we do this and what we shared.
- When we have what we need, we will tell you if we can review the complaint. We will also \
tell you roughly when a caseworker will start work on it.
[if estimated_allocation_month]
- At the moment we expect a caseworker to start work on it in {estimated_allocation_month}.
[end]

A review checks whether the outcome the Met reached was reasonable and proportionate. It is \
not a new investigation.

[if late]
## Your request was late

Your request reached us after the time limit of {review_window}. We will decide whether we \
can still accept it. We will think about the reason you gave us.
[end]

[if awaited]
## What we still need

Please send us:

- {awaited}

You can send what we need online, by email or by post. Please put your reference on anything \
you send.
[end]

## Follow your request online

You can see how your request is going, send us documents or change your details online.

Go to {track_url} and enter your reference, {reference}, and your surname.

## Contact us

Email: {contact_email}
Post: MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL

We usually work in writing. If you need to speak to us because of a disability or other need, \
call 020 7983 4000 and ask for a call from the Police Complaint Reviews Team.

Please give your reference, {reference}, whenever you contact us.""",
    "information-needed": f"""\
Thank you for asking us to review the outcome of {{the_complaint}} about the Metropolitan \
Police Service (the Met).

We need more information from you before we can carry on.

## What we need

{{information_requested}}

## How to send it

You can send it online, by email or by post. Please put your reference, {{reference}}, on \
anything you send.

When we have it, we will check your request again and tell you what happens next.

{_FOLLOW_ONLINE}

{_CONTACT}""",
    "late-request-refused": f"""\
You asked us to review the outcome of {{the_complaint}} about the Metropolitan Police Service \
(the Met).

You must ask for a review within {{review_window}} of the date on the Met's outcome letter. \
Your request reached us after that.

! We have decided not to accept your request. This means we will not review the outcome of \
{{the_complaint}}.

[if refusal_reason]
## Why

{{refusal_reason}}
[end]

{_THINK_WE_ARE_WRONG}

{_FOLLOW_ONLINE}

{_CONTACT}""",
    "no-right-of-review": f"""\
You asked us to review the outcome of {{the_complaint}} about the Metropolitan Police Service \
(the Met).

We have checked your request.

! {{validity_explanation}}

This means we have closed your request.

{_THINK_WE_ARE_WRONG}

{_FOLLOW_ONLINE}

{_CONTACT}""",
    "forwarded-to-iopc": f"""\
You asked us to review the outcome of {{the_complaint}} about the Metropolitan Police Service \
(the Met).

The Independent Office for Police Conduct (IOPC), not MOPAC, is the right body to review it. \
The law says we must send your request to them. We sent it on {{date}}.

## What we sent the IOPC

{{shared_with_iopc}}

## What happens next

The IOPC will contact you. Please contact the IOPC about your request from now on.

{_CONTACT}""",
    "decision": f"""\
We have reviewed the outcome of {{the_complaint}} about the Metropolitan Police Service (the \
Met). A review checks whether the outcome the Met reached was reasonable and proportionate. It \
is not a new investigation.

## Our decision

[if upheld]
! We have decided the outcome of {{the_complaint}} was not reasonable and proportionate.

This means we uphold your request for a review.
[end]
[if not upheld]
! We have decided the outcome of {{the_complaint}} was reasonable and proportionate.

This means we do not uphold your request for a review. We will take no further action.
[end]

[if decision_reasons]
## Why we made this decision

{{decision_reasons}}
[end]

[if recommendations]
## What we have recommended

We recommend that the Met:

- {{recommendations}}

{{met_replies_in_writing}}. We will send you a copy of its reply.
[end]

[if refer_to_iopc]
## We have referred the complaint to the IOPC

We have referred the complaint to the Independent Office for Police Conduct (IOPC). The IOPC \
will decide what happens next.
[end]

We have sent a copy of this letter to the Met.

## Our decision is final

There is no right of appeal against our decision. If you have concerns about our decision, \
please contact us first.

## Judicial review

You can ask a court, the Administrative Court, to check the way we made our decision. This is \
called a judicial review. The court looks at how we made the decision. It does not decide \
whether our decision was right or wrong.

! You must apply promptly, and in any event within 3 months of the date of our decision, which \
is the date of this letter.

You may want to get independent legal advice before you apply. A judicial review may cost you \
money, such as court and legal fees. There is no guarantee that it will succeed. We cannot give \
advice about judicial review or help you with it.

{_CONTACT}""",
    "mps-response": f"""\
We reviewed the outcome of {{the_complaint}} about the Metropolitan Police Service (the Met). \
We made recommendations to the Met, and said we would send you a copy of its reply.

[if mps_response_received_on]
The Met replied on {{mps_response_received_on}}. This is what it said.
[end]
[if not mps_response_received_on]
The Met replied. This is what it said.
[end]

## The Met's reply

{{mps_response}}

## What happens next

Our review is finished. Our decision is final.

{_FOLLOW_ONLINE}

{_CONTACT}""",
}
