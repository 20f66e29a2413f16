"""One form per journey step, by the journey's sections, and FORMS: which form each step's page
shows. Each knows how to load its step's saved answers and how to turn what was entered into
answers to save (dates as ISO strings, blanks as None); see portal.forms.base."""

from __future__ import annotations

from portal.forms.base import (
    LONG_ANSWER_LIMIT,
    ContinueForm,
    SaveForm,
    StepForm,
    UploadForm,
    question_form,
    yes_no_form,
)
from portal.forms.complaint import (
    ComplaintDateForm,
    ComplaintSummaryForm,
    DesiredOutcomeForm,
    MpsReferenceForm,
    WhyUnhappyForm,
)
from portal.forms.contact import (
    AdjustmentsForm,
    AdjustmentsNeededForm,
    ContactDetailsForm,
    ContactSafetyForm,
    HowToContactForm,
    adjustments_field,
)
from portal.forms.eligibility import (
    AboutCommissionerForm,
    AboutMetForm,
    HasLetterForm,
    LateReasonForm,
    LetterDateForm,
    LetterReceivedForm,
    ReviewBodyForm,
    WhenComplainedForm,
)
from portal.forms.who import (
    AboutYouForm,
    ComplainantDetailsForm,
    ConsentForm,
    UpdatesForm,
    WhoIsAskingForm,
    YourNameForm,
)

FORMS: dict[str, type[StepForm]] = {
    "about-the-met": AboutMetForm,
    "about-the-commissioner": AboutCommissionerForm,
    "outcome-letter": HasLetterForm,
    "when-complained": WhenComplainedForm,
    "review-body": ReviewBodyForm,
    "letter-date": LetterDateForm,
    "letter-received": LetterReceivedForm,
    "late-reason": LateReasonForm,
    "what-we-cannot-do": ContinueForm,
    "who-is-asking": WhoIsAskingForm,
    "your-name": YourNameForm,
    "about-you": AboutYouForm,
    "complainant-details": ComplainantDetailsForm,
    "updates": UpdatesForm,
    "consent": ConsentForm,
    "mps-reference": MpsReferenceForm,
    "complaint-date": ComplaintDateForm,
    "complaint-summary": ComplaintSummaryForm,
    "why-unhappy": WhyUnhappyForm,
    "desired-outcome": DesiredOutcomeForm,
    "how-to-contact": HowToContactForm,
    "contact-details": ContactDetailsForm,
    "contact-safety": ContactSafetyForm,
    "adjustments-needed": AdjustmentsNeededForm,
    "adjustments": AdjustmentsForm,
}

__all__ = [
    "FORMS",
    "LONG_ANSWER_LIMIT",
    "AboutYouForm",
    "AdjustmentsForm",
    "ComplainantDetailsForm",
    "ComplaintDateForm",
    "ComplaintSummaryForm",
    "ConsentForm",
    "ContactDetailsForm",
    "ContactSafetyForm",
    "ContinueForm",
    "DesiredOutcomeForm",
    "HowToContactForm",
    "LateReasonForm",
    "LetterDateForm",
    "LetterReceivedForm",
    "MpsReferenceForm",
    "ReviewBodyForm",
    "SaveForm",
    "StepForm",
    "UpdatesForm",
    "UploadForm",
    "WhenComplainedForm",
    "WhoIsAskingForm",
    "WhyUnhappyForm",
    "YourNameForm",
    "adjustments_field",
    "question_form",
    "yes_no_form",
]
