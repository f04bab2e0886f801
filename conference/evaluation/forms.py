"""The evaluation form: the event's evaluation questions, as fields built like those of the registration form."""

from conference.evaluation.services import questions_of
from conference.events.models import Event
from conference.registration.forms import add_question_fields, link_conditions
from conference.site.forms import Form


class EvaluationForm(Form):
    def answers(self) -> dict[int, object]:
        return {question.id: self[f"question_{question.id}"].data for question in self.questions}

    @property
    def question_fields(self):
        return [self[f"question_{question.id}"] for question in self.questions]


def evaluation_form(event: Event, locale: str, **kwargs) -> EvaluationForm:
    questions = questions_of(event)

    class EventEvaluationForm(EvaluationForm):
        pass

    add_question_fields(EventEvaluationForm, questions, locale)
    form = EventEvaluationForm(**kwargs)
    link_conditions(form, questions)
    return form
