"""Letter wording in versions that team leaders edit, letters that say which version they came
from and whether staff changed them, and decision letters as approved

Revision ID: 0020
Revises: 0019
Create Date: 2027-01-10 09:00:00

Each letter kind's wording (reviews.letter_templates) is kept as versions; the wording the
service shipped with is stored here as version 1 of each kind, active. A copy, not an import:
what this migration stores must not change when the code does.

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = "0019"
branch_labels = None
depends_on = None

# reviews.letter_wording.SHIPPED_WORDING as it was when this migration was written.
SHIPPED_WORDING = {
    'acknowledgement': (
        'Thank you for asking us to review the outcome of {the_complaint} about the Metropolitan Police Service (the Met).\n'
        '\n'
        'We received your request on {received_on}.\n'
        '\n'
        '## What happens next\n'
        '\n'
        '- We will ask the Met for its records about the complaint. We may share what you told us with the Met.\n'
        '- We will check that we are the right organisation to review it. If the Independent Office for Police Conduct (IOPC) should do the review, we will send your request to the IOPC. We will tell you if we do this and what we shared.\n'
        '- When we have what we need, we will tell you if we can review the complaint. We will also tell you roughly when a caseworker will start work on it.\n'
        '[if estimated_allocation_month]\n'
        '- At the moment we expect a caseworker to start work on it in {estimated_allocation_month}.\n'
        '[end]\n'
        '\n'
        'A review checks whether the outcome the Met reached was reasonable and proportionate. It is not a new investigation.\n'
        '\n'
        '[if late]\n'
        '## Your request was late\n'
        '\n'
        'Your request reached us after the time limit of {review_window}. We will decide whether we can still accept it. We will think about the reason you gave us.\n'
        '[end]\n'
        '\n'
        '[if awaited]\n'
        '## What we still need\n'
        '\n'
        'Please send us:\n'
        '\n'
        '- {awaited}\n'
        '\n'
        'You can send what we need online, by email or by post. Please put your reference on anything you send.\n'
        '[end]\n'
        '\n'
        '## Follow your request online\n'
        '\n'
        'You can see how your request is going, send us documents or change your details online.\n'
        '\n'
        'Go to {track_url} and enter your reference, {reference}, and your surname.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email: {contact_email}\n'
        'Post: MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL\n'
        '\n'
        'We usually work in writing. If you need to speak to us because of a disability or other need, call 020 7983 4000 and ask for a call from the Police Complaint Reviews Team.\n'
        '\n'
        'Please give your reference, {reference}, whenever you contact us.'
    ),
    'information-needed': (
        'Thank you for asking us to review the outcome of {the_complaint} about the Metropolitan Police Service (the Met).\n'
        '\n'
        'We need more information from you before we can carry on.\n'
        '\n'
        '## What we need\n'
        '\n'
        '{information_requested}\n'
        '\n'
        '## How to send it\n'
        '\n'
        'You can send it online, by email or by post. Please put your reference, {reference}, on anything you send.\n'
        '\n'
        'When we have it, we will check your request again and tell you what happens next.\n'
        '\n'
        '## Follow your request online\n'
        '\n'
        'Go to {track_url} and enter your reference, {reference}, and your surname. You can read our letters there too.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL. If you need to speak to us because of a disability or other need, call 020 7983 4000. Please give your reference, {reference}.'
    ),
    'late-request-refused': (
        'You asked us to review the outcome of {the_complaint} about the Metropolitan Police Service (the Met).\n'
        '\n'
        "You must ask for a review within {review_window} of the date on the Met's outcome letter. Your request reached us after that.\n"
        '\n'
        '! We have decided not to accept your request. This means we will not review the outcome of {the_complaint}.\n'
        '\n'
        '[if refusal_reason]\n'
        '## Why\n'
        '\n'
        '{refusal_reason}\n'
        '[end]\n'
        '\n'
        '## If you think we are wrong\n'
        '\n'
        'Contact us as soon as you can. Tell us why, and give your reference.\n'
        '\n'
        '## Follow your request online\n'
        '\n'
        'Go to {track_url} and enter your reference, {reference}, and your surname. You can read our letters there too.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL. If you need to speak to us because of a disability or other need, call 020 7983 4000. Please give your reference, {reference}.'
    ),
    'no-right-of-review': (
        'You asked us to review the outcome of {the_complaint} about the Metropolitan Police Service (the Met).\n'
        '\n'
        'We have checked your request.\n'
        '\n'
        '! {validity_explanation}\n'
        '\n'
        'This means we have closed your request.\n'
        '\n'
        '## If you think we are wrong\n'
        '\n'
        'Contact us as soon as you can. Tell us why, and give your reference.\n'
        '\n'
        '## Follow your request online\n'
        '\n'
        'Go to {track_url} and enter your reference, {reference}, and your surname. You can read our letters there too.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL. If you need to speak to us because of a disability or other need, call 020 7983 4000. Please give your reference, {reference}.'
    ),
    'forwarded-to-iopc': (
        'You asked us to review the outcome of {the_complaint} about the Metropolitan Police Service (the Met).\n'
        '\n'
        'The Independent Office for Police Conduct (IOPC), not MOPAC, is the right body to review it. The law says we must send your request to them. We sent it on {date}.\n'
        '\n'
        '## What we sent the IOPC\n'
        '\n'
        '{shared_with_iopc}\n'
        '\n'
        '## What happens next\n'
        '\n'
        'The IOPC will contact you. Please contact the IOPC about your request from now on.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL. If you need to speak to us because of a disability or other need, call 020 7983 4000. Please give your reference, {reference}.'
    ),
    'decision': (
        'We have reviewed the outcome of {the_complaint} about the Metropolitan Police Service (the Met). A review checks whether the outcome the Met reached was reasonable and proportionate. It is not a new investigation.\n'
        '\n'
        '## Our decision\n'
        '\n'
        '[if upheld]\n'
        '! We have decided the outcome of {the_complaint} was not reasonable and proportionate.\n'
        '\n'
        'This means we uphold your request for a review.\n'
        '[end]\n'
        '[if not upheld]\n'
        '! We have decided the outcome of {the_complaint} was reasonable and proportionate.\n'
        '\n'
        'This means we do not uphold your request for a review. We will take no further action.\n'
        '[end]\n'
        '\n'
        '[if decision_reasons]\n'
        '## Why we made this decision\n'
        '\n'
        '{decision_reasons}\n'
        '[end]\n'
        '\n'
        '[if recommendations]\n'
        '## What we have recommended\n'
        '\n'
        'We recommend that the Met:\n'
        '\n'
        '- {recommendations}\n'
        '\n'
        '{met_replies_in_writing}. We will send you a copy of its reply.\n'
        '[end]\n'
        '\n'
        '[if refer_to_iopc]\n'
        '## We have referred the complaint to the IOPC\n'
        '\n'
        'We have referred the complaint to the Independent Office for Police Conduct (IOPC). The IOPC will decide what happens next.\n'
        '[end]\n'
        '\n'
        'We have sent a copy of this letter to the Met.\n'
        '\n'
        '## Our decision is final\n'
        '\n'
        'There is no right of appeal against our decision. If you have concerns about our decision, please contact us first.\n'
        '\n'
        '## Judicial review\n'
        '\n'
        'You can ask a court, the Administrative Court, to check the way we made our decision. This is called a judicial review. The court looks at how we made the decision. It does not decide whether our decision was right or wrong.\n'
        '\n'
        '! You must apply promptly, and in any event within 3 months of the date of our decision, which is the date of this letter.\n'
        '\n'
        'You may want to get independent legal advice before you apply. A judicial review may cost you money, such as court and legal fees. There is no guarantee that it will succeed. We cannot give advice about judicial review or help you with it.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL. If you need to speak to us because of a disability or other need, call 020 7983 4000. Please give your reference, {reference}.'
    ),
    'mps-response': (
        'We reviewed the outcome of {the_complaint} about the Metropolitan Police Service (the Met). We made recommendations to the Met, and said we would send you a copy of its reply.\n'
        '\n'
        '[if mps_response_received_on]\n'
        'The Met replied on {mps_response_received_on}. This is what it said.\n'
        '[end]\n'
        '[if not mps_response_received_on]\n'
        'The Met replied. This is what it said.\n'
        '[end]\n'
        '\n'
        "## The Met's reply\n"
        '\n'
        '{mps_response}\n'
        '\n'
        '## What happens next\n'
        '\n'
        'Our review is finished. Our decision is final.\n'
        '\n'
        '## Follow your request online\n'
        '\n'
        'Go to {track_url} and enter your reference, {reference}, and your surname. You can read our letters there too.\n'
        '\n'
        '## Contact us\n'
        '\n'
        'Email {contact_email} or write to MOPAC Police Complaint Reviews Team, 169 Union Street, London SE1 0LL. If you need to speak to us because of a disability or other need, call 020 7983 4000. Please give your reference, {reference}.'
    ),
}


def upgrade():
    templates = op.create_table(
        'letter_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_letter_templates_created_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_templates')),
        sa.UniqueConstraint('kind', 'version', name=op.f('uq_letter_templates_kind')),
    )
    op.create_table(
        'approved_letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_request_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('template_version', sa.Integer(), nullable=True),
        sa.Column('edited', sa.Boolean(), nullable=False),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['approved_by_id'], ['staff_users.id'], name=op.f('fk_approved_letters_approved_by_id_staff_users')),
        sa.ForeignKeyConstraint(['review_request_id'], ['review_requests.id'], name=op.f('fk_approved_letters_review_request_id_review_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_approved_letters')),
    )
    with op.batch_alter_table('approved_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approved_letters_review_request_id'), ['review_request_id'], unique=False)

    # Plain ADD COLUMNs (SQLite keeps the table, and so its trigger refusing changes).
    op.add_column('sent_letters', sa.Column('template_version', sa.Integer(), nullable=True))
    op.add_column('sent_letters', sa.Column('edited', sa.Boolean(), server_default=sa.false(), nullable=False))

    shipped_at = datetime(2027, 1, 10, 9, 0, tzinfo=timezone.utc)
    op.bulk_insert(
        templates,
        [
            {"kind": kind, "version": 1, "text": text, "active": True, "created_at": shipped_at}
            for kind, text in SHIPPED_WORDING.items()
        ],
    )


def downgrade():
    op.drop_column('sent_letters', 'edited')
    op.drop_column('sent_letters', 'template_version')
    with op.batch_alter_table('approved_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approved_letters_review_request_id'))
    op.drop_table('approved_letters')
    op.drop_table('letter_templates')
