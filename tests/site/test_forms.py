"""The base of every form cleans typed text, the same way on the thousandth form as on the first."""

from wtforms import StringField, TextAreaField

from conference.site.forms import Form


class Sample(Form):
    name = StringField()
    text = TextAreaField()


def test_typed_text_is_cleaned_and_forms_made_again_and_again_do_not_pile_up_filters(app):
    with app.test_request_context(method="POST", data={"name": "Ayşe\x00\r\nYılmaz\u202e", "text": "eins\r\nzwei\x1b"}):
        forms = [Sample(meta={"csrf": False}) for _ in range(1000)]

    assert forms[-1].name.data == "Ayşe Yılmaz" and forms[-1].text.data == "eins\nzwei"
    assert len(forms[-1].name.filters) == len(forms[0].name.filters) == 2
    assert "filters" not in Sample.name.kwargs  # the class's field is left as it was declared
